// The configuration file's shape, with messages that say which key is wrong,
// what was expected and what was found:
//   environments.dev3.baseUrl: expected an https:// URL, found "http://api.dev3..."
//
// Objects are strict: an unknown key is an error, so a typo is caught and no
// key can switch certificate checks off.

import * as z from 'zod';

/** The built-in environment: an e-RS sandbox started in-process. */
export const SANDBOX_ENVIRONMENT = 'sandbox';

/** What an environment may be called: also its audit folder's name, so nothing a file system could misread. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const httpsUrl = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
      } catch {
        return false;
      }
    }, { error: `expected ${what}` });

const path = (what: string) => z.string({ error: `expected the path of ${what}` }).min(1, { error: `expected the path of ${what}` });

const IdentitySchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({
      /** A smartcard through its PKCS#11 module, proving itself to the identity service. */
      method: z.literal('smartcard'),
      identityUrl: httpsUrl('the https:// URL of the identity service'),
      pkcs11Module: path('the smartcard PKCS#11 module'),
    }),
    z.strictObject({
      /** A certificate and key in files standing in for a card (test environments only). */
      method: z.literal('test-card'),
      identityUrl: httpsUrl('the https:// URL of the identity service'),
      certificate: path('the test card certificate (PEM)'),
      privateKey: path('the test card private key (PEM)'),
    }),
    z.strictObject({
      /** A token pasted by the person (test environments only). */
      method: z.literal('sso-token'),
    }),
  ],
  { error: 'expected method "smartcard", "test-card" or "sso-token"' },
);

const milliseconds = (max: number) =>
  z
    .number({ error: `expected milliseconds (1000 to ${max})` })
    .int({ error: 'expected whole milliseconds' })
    .min(1000, { error: 'expected at least 1000 ms' })
    .max(max, { error: `expected at most ${max} ms` })
    .optional();

const TimeoutsSchema = z.strictObject({
  connectMs: milliseconds(120_000),
  requestMs: milliseconds(600_000),
});

const EnvironmentSchema = z.strictObject({
  baseUrl: httpsUrl('an https:// URL'),
  asid: z.string({ error: 'expected the 12-digit ASID as text' }).regex(/^\d{12}$/, { error: 'expected the 12-digit ASID' }),
  fqdn: z
    .string({ error: "expected the endpoint certificate's host name (FQDN)" })
    .regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
      error: "expected the endpoint certificate's host name (FQDN)",
    }),
  clientCertificate: path('the endpoint certificate (PEM)'),
  clientKey: path("the endpoint certificate's private key (PEM)"),
  caCertificates: z
    .array(path('a CA certificate (PEM)'), { error: 'expected a list of CA certificate paths' })
    .min(1, { error: 'expected at least one CA certificate path' }),
  production: z.boolean({ error: 'expected true or false' }),
  identity: IdentitySchema,
  timeouts: TimeoutsSchema.optional(),
});

export const ConfigFileSchema = z.strictObject({
  environment: z.string({ error: 'expected the name of the environment to use' }),
  environments: z.record(z.string(), EnvironmentSchema, { error: 'expected an object of named environments' }).optional(),
});

export type ConfigFile = z.infer<typeof ConfigFileSchema>;

// ---------------------------------------------------------------- paths, read leniently

/** The files an environment names (and the FQDN they are checked against); null for any that is not itself well-formed. */
export interface EnvironmentPaths {
  readonly fqdn: string | null;
  readonly clientCertificate: string | null;
  readonly clientKey: string | null;
  readonly caCertificates: readonly (string | null)[];
  readonly identity:
    | { readonly method: 'test-card'; readonly certificate: string | null; readonly privateKey: string | null }
    | { readonly method: 'smartcard'; readonly pkcs11Module: string | null }
    | null;
}

const objectOrNull = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

/**
 * Each key judged by its own schema alone, so the files of an entry can be
 * checked (and reported with its other problems) even when the entry as a
 * whole does not pass the schema.
 */
export function wellFormedPaths(rawEntry: unknown): EnvironmentPaths {
  const entry = objectOrNull(rawEntry) ?? {};
  const one = (value: unknown): string | null => {
    const parsed = path('a file').safeParse(value);
    return parsed.success ? parsed.data : null;
  };
  const fqdn = EnvironmentSchema.shape.fqdn.safeParse(entry['fqdn']);
  const identity = objectOrNull(entry['identity']);
  return {
    fqdn: fqdn.success ? fqdn.data : null,
    clientCertificate: one(entry['clientCertificate']),
    clientKey: one(entry['clientKey']),
    caCertificates: Array.isArray(entry['caCertificates']) ? entry['caCertificates'].map(one) : [],
    identity:
      identity?.['method'] === 'test-card'
        ? { method: 'test-card', certificate: one(identity['certificate']), privateKey: one(identity['privateKey']) }
        : identity?.['method'] === 'smartcard'
          ? { method: 'smartcard', pkcs11Module: one(identity['pkcs11Module']) }
          : null,
  };
}
export type EnvironmentEntry = z.infer<typeof EnvironmentSchema>;
export type IdentityEntry = z.infer<typeof IdentitySchema>;

// ---------------------------------------------------------------- messages

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** How a found value is shown: short, and never a whole object. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

const VERIFICATION_SWITCHES = /reject|insecure|verify|strict|tls|ssl|checkServerIdentity/i;

function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const why = VERIFICATION_SWITCHES.test(key) ? ' (certificate checks cannot be switched off)' : '';
        return `${pathText([...issue.path, key])}: unknown setting${why}`;
      })
      .join('\n');
  }
  let found: unknown = issue.input;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    found = typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : issue.input;
  }
  return `${where}: ${issue.message}, found ${describeFound(found)}`;
}

/** Validate parsed JSON; returns the config or one line per problem. */
export function checkConfigShape(json: unknown): { ok: true; config: ConfigFile } | { ok: false; problems: string[] } {
  const parsed = ConfigFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap((issue) => issueText(issue).split('\n')) };
  const config = parsed.data;
  const problems: string[] = [];
  const names = Object.keys(config.environments ?? {});
  for (const name of names) {
    if (name === SANDBOX_ENVIRONMENT) {
      problems.push(`environments.${name}: "sandbox" is the built-in sandbox and cannot be redefined: choose another name`);
    } else if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(`environments: expected names of letters, digits, - and _ (up to 32), found ${describeFound(name)}`);
    }
  }
  if (config.environment !== SANDBOX_ENVIRONMENT && !names.includes(config.environment)) {
    const known = [SANDBOX_ENVIRONMENT, ...names].map((n) => JSON.stringify(n)).join(', ');
    problems.push(`environment: expected one of ${known}, found ${describeFound(config.environment)}`);
  }
  for (const [name, entry] of Object.entries(config.environments ?? {})) {
    if (entry.production && entry.identity.method !== 'smartcard') {
      problems.push(
        `environments.${name}.identity.method: a production environment must sign in with a smartcard, found ${describeFound(entry.identity.method)}`,
      );
    }
  }
  return problems.length === 0 ? { ok: true, config } : { ok: false, problems };
}
