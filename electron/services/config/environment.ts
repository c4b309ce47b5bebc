// Turning the chosen environment into something ready to use: a transport,
// the connection facts every e-RS call needs, and (when signing in needs
// nothing from the person) a credential provider. For the built-in sandbox
// this starts the sandbox in this process and uses its test card.

import { chooseEnvironment, type ChooseOptions, type IdentitySpec } from './load.ts';
import { SANDBOX_ENVIRONMENT } from './schema.ts';
import { createTransport, type TransportOptions } from '../ers/transport.ts';
import type { ErsConnection } from '../ers/endpoint.ts';
import type { CredentialProvider } from '../auth/credential-provider.ts';
import { createSoftwareCardProvider } from '../auth/software-card.ts';
import type { Sandbox, SandboxOptions } from '../../../sandbox/server.ts';

export interface ResolvedEnvironment {
  readonly name: string;
  readonly isSandbox: boolean;
  readonly production: boolean;
  /** The configuration file read, or null when there is none. */
  readonly configPath: string | null;
  readonly transportOptions: TransportOptions;
  readonly connection: ErsConnection;
  readonly identity: IdentitySpec;
  /** Set for test-card identities (the sandbox's by default); null when the person must act (PIN, pasted token). */
  readonly credentialProvider: CredentialProvider | null;
  /** The sandbox this process started, for the built-in environment. */
  readonly sandbox: Sandbox | null;
  /** Close the transport's sockets and stop a sandbox started here. */
  close(): Promise<void>;
}

export interface ResolveOptions extends ChooseOptions {
  /** For the built-in sandbox (e.g. a fixed port). */
  readonly sandbox?: SandboxOptions;
  /**
   * Sign in to the built-in sandbox with a card over PKCS#11 (e.g. a SoftHSM2
   * token whose certificate the sandbox's card CA issued) instead of its
   * software test card.
   */
  readonly sandboxSmartcard?: { readonly pkcs11Module: string };
}

function ready(parts: {
  name: string;
  isSandbox: boolean;
  production: boolean;
  configPath: string | null;
  transportOptions: TransportOptions;
  baseUrl: string;
  asid: string;
  fqdn: string;
  identity: IdentitySpec;
  sandbox: Sandbox | null;
}): ResolvedEnvironment {
  const transport = createTransport(parts.transportOptions);
  const { identity } = parts;
  const credentialProvider =
    identity.method === 'test-card'
      ? createSoftwareCardProvider({
          certificatePem: identity.certificatePem,
          privateKeyPem: identity.privateKeyPem,
          identityUrl: identity.identityUrl,
          transport,
        })
      : null;
  return {
    name: parts.name,
    isSandbox: parts.isSandbox,
    production: parts.production,
    configPath: parts.configPath,
    transportOptions: parts.transportOptions,
    connection: { baseUrl: parts.baseUrl, asid: parts.asid, fqdn: parts.fqdn, transport },
    identity,
    credentialProvider,
    sandbox: parts.sandbox,
    async close() {
      transport.close();
      await parts.sandbox?.close();
    },
  };
}

export async function resolveEnvironment(options: ResolveOptions = {}): Promise<ResolvedEnvironment> {
  const chosen = await chooseEnvironment(options);
  if (chosen.kind === 'configured') {
    const { spec } = chosen;
    return ready({
      name: spec.name,
      isSandbox: false,
      production: spec.production,
      configPath: chosen.configPath,
      transportOptions: {
        tls: spec.tls,
        ...(spec.timeouts.connectMs === undefined ? {} : { connectTimeoutMs: spec.timeouts.connectMs }),
        ...(spec.timeouts.requestMs === undefined ? {} : { requestTimeoutMs: spec.timeouts.requestMs }),
      },
      baseUrl: spec.baseUrl,
      asid: spec.asid,
      fqdn: spec.fqdn,
      identity: spec.identity,
      sandbox: null,
    });
  }
  // Loaded only when used, so real environments never load the sandbox.
  const { startSandbox } = await import('../../../sandbox/server.ts');
  const sandbox = await startSandbox(options.sandbox);
  const { pki } = sandbox;
  try {
    return ready({
      name: SANDBOX_ENVIRONMENT,
      isSandbox: true,
      production: false,
      configPath: chosen.configPath,
      transportOptions: { tls: { certificatePem: pki.clientCertPem, privateKeyPem: pki.clientKeyPem, caCertificatesPem: [pki.caCertPem] } },
      baseUrl: sandbox.baseUrl,
      asid: sandbox.asid,
      fqdn: sandbox.fqdn,
      identity: options.sandboxSmartcard
        ? { method: 'smartcard', identityUrl: sandbox.identityUrl, pkcs11Module: options.sandboxSmartcard.pkcs11Module }
        : { method: 'test-card', identityUrl: sandbox.identityUrl, certificatePem: pki.testCard.certPem, privateKeyPem: pki.testCard.keyPem },
      sandbox,
    });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
