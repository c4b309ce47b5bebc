// Our client's real path, as the app takes it: sign in with the test card
// (identity challenge, A001, A002), then for each file the registry's single
// read and check, and A020 through uploadBinary over mutual TLS.

import { createSoftwareCardProvider } from '../../electron/services/auth/software-card.ts';
import { uploadBinary, type UploadBinaryResult } from '../../electron/services/ers/binary.ts';
import { createProfessionalSession, selectRole, type ProfessionalSession } from '../../electron/services/ers/session.ts';
import { createTransport, type TlsMaterial, type Transport } from '../../electron/services/ers/transport.ts';
import { FileRegistry } from '../../electron/services/files/index.ts';
import type { BenchPki, SandboxEndpoint } from './sandbox-messages.ts';

export const BENCH_ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } as const;

export function tlsMaterial(pki: BenchPki): TlsMaterial {
  return { certificatePem: pki.clientCertPem, privateKeyPem: pki.clientKeyPem, caCertificatesPem: [pki.caCertPem] };
}

export async function signIn(endpoint: SandboxEndpoint, pki: BenchPki): Promise<ProfessionalSession> {
  const transport = createTransport({ tls: tlsMaterial(pki) });
  const card = createSoftwareCardProvider({
    certificatePem: pki.testCard.certPem,
    privateKeyPem: pki.testCard.keyPem,
    identityUrl: endpoint.identityUrl,
    transport,
  });
  const token = await card.obtainSsoToken(AbortSignal.timeout(30_000));
  const connection = { baseUrl: endpoint.baseUrl, asid: endpoint.asid, fqdn: endpoint.fqdn, transport };
  const session = await createProfessionalSession(connection, token);
  return selectRole(session, BENCH_ROLE);
}

/** The same session over a new transport (no kept-alive socket), so each run pays its own TLS handshake, as curl does. */
export function onFreshTransport(session: ProfessionalSession, pki: BenchPki): { session: ProfessionalSession; transport: Transport } {
  const transport = createTransport({ tls: tlsMaterial(pki) });
  return { session: { ...session, connection: { ...session.connection, transport } }, transport };
}

export interface UploadOutcome {
  readonly name: string;
  readonly result: UploadBinaryResult;
}

/** Check and send each file, `concurrency` at a time (1: one after another), failing on the first refusal. */
export async function checkAndUpload(
  session: ProfessionalSession,
  paths: readonly string[],
  concurrency = 1,
): Promise<UploadOutcome[]> {
  const registry = new FileRegistry();
  const outcomes: UploadOutcome[] = new Array(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const at = next++;
      const registered = await registry.registerPath(paths[at]!);
      if (!registered.ok) throw new Error(registered.message);
      const checked = await registry.readAndCheck(registered.file.id);
      const { verdict } = checked;
      if (!verdict.ok || verdict.storedName === null || verdict.mimeType === null) {
        checked.release();
        throw new Error(`${checked.name} did not pass the checks: ${verdict.problems.map((p) => p.message).join(' ')}`);
      }
      let result: UploadBinaryResult;
      try {
        result = await uploadBinary({ session, bytes: checked.bytes, storedName: verdict.storedName, mimeType: verdict.mimeType });
      } finally {
        // As the queue does: the read buffer goes back to the registry's pool once the send has returned.
        checked.release();
      }
      registry.remove(registered.file.id);
      outcomes[at] = { name: checked.name, result };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return outcomes;
}
