import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRsaCard, makeTestPki, type KeyPair, type TestPki } from '../ers/helpers/test-pki.ts';
import { appConfigDir, locateConfigFile, type PlaceFacts } from '../../../electron/services/config/locate.ts';
import { chooseEnvironment, ConfigError, configuredEnvironmentName } from '../../../electron/services/config/load.ts';
import { resolveEnvironment } from '../../../electron/services/config/environment.ts';
import { startTlsServer } from '../ers/helpers/tls-server.ts';

let pki: TestPki;
let card: KeyPair;
let dir: string;

before(() => {
  pki = makeTestPki();
  card = makeRsaCard(pki, 'card', 'ca');
  dir = mkdtempSync(join(tmpdir(), 'ers-attach-config-'));
});
after(() => {
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** A config file in its own folder, with the PEMs referred to relatively from a certs/ subfolder. */
let counter = 0;
function configFile(value: unknown): string {
  const folder = join(dir, `c${counter++}`);
  mkdirSync(join(folder, 'certs'), { recursive: true });
  for (const [name, pem] of [
    ['client.crt', pki.client.certPem],
    ['client.key', pki.client.keyPem],
    ['server.key', pki.server.keyPem],
    ['ca.crt', pki.ca.certPem],
    ['card.crt', card.certPem],
    ['card.key', card.keyPem],
  ] as const) {
    writeFileSync(join(folder, 'certs', name), pem);
  }
  const path = join(folder, 'config.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function dev3(overrides: Record<string, unknown> = {}) {
  return {
    baseUrl: 'https://api.dev3.ers.ncrs.nhs.uk/ers-api/',
    asid: '999000000045',
    fqdn: 'client.test',
    clientCertificate: 'certs/client.crt',
    clientKey: 'certs/client.key',
    caCertificates: ['certs/ca.crt'],
    production: false,
    identity: { method: 'sso-token' },
    timeouts: { connectMs: 5000, requestMs: 60000 },
    ...overrides,
  };
}

const place = (path: string): PlaceFacts => ({ env: { ERS_ATTACH_CONFIG: path }, platform: 'linux', home: '/home/nobody' });

async function problemsOf(value: unknown, options: { now?: number } = {}): Promise<readonly string[]> {
  try {
    await chooseEnvironment({ place: place(configFile(value)), ...options });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

/** A problem with the config file's own folder written DIR, so the expected text can be exact. */
const withoutDir = (problem: string) => problem.replace(/\/\S*\/c\d+(?=\/)/, 'DIR');

describe('where the config file is', () => {
  it('is $ERS_ATTACH_CONFIG when set', () => {
    assert.deepEqual(locateConfigFile(place('/etc/ers/config.json')), { path: '/etc/ers/config.json', explicit: true });
  });

  it('is the per-user app config folder otherwise', () => {
    assert.equal(appConfigDir({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\a' }).replaceAll('\\', '/'), 'C:/Users/a/AppData/Roaming/ers-attach');
    assert.equal(appConfigDir({ env: {}, platform: 'darwin', home: '/Users/a' }), '/Users/a/Library/Application Support/ers-attach');
    assert.equal(appConfigDir({ env: { XDG_CONFIG_HOME: '/x/cfg' }, platform: 'linux', home: '/home/a' }), '/x/cfg/ers-attach');
    assert.equal(appConfigDir({ env: { XDG_CONFIG_HOME: 'relative' }, platform: 'linux', home: '/home/a' }), '/home/a/.config/ers-attach');
    assert.deepEqual(locateConfigFile({ env: { ERS_ATTACH_CONFIG: '' }, platform: 'linux', home: '/home/a' }), {
      path: '/home/a/.config/ers-attach/config.json',
      explicit: false,
    });
  });

  it('means the built-in sandbox when the default file does not exist', async () => {
    const chosen = await chooseEnvironment({ place: { env: { XDG_CONFIG_HOME: join(dir, 'empty') }, platform: 'linux', home: dir } });
    assert.deepEqual(chosen, { kind: 'sandbox', configPath: null });
  });

  it('is an error when $ERS_ATTACH_CONFIG names a file that does not exist', async () => {
    const missing = join(dir, 'nope', 'config.json');
    await assert.rejects(chooseEnvironment({ place: place(missing) }), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [`ERS_ATTACH_CONFIG names ${missing}, which does not exist`]);
      return true;
    });
  });
});

describe('the name of the environment the file chooses', () => {
  it('is read without loading the environment (for the audit export), and is the sandbox with no file', async () => {
    const path = configFile({ environment: 'dev3', environments: { dev3: dev3({ clientKey: 'certs/none.key' }) } });
    assert.deepEqual(await configuredEnvironmentName(place(path)), { name: 'dev3', configPath: path });
    assert.deepEqual(await configuredEnvironmentName({ env: { XDG_CONFIG_HOME: join(dir, 'empty') }, platform: 'linux', home: dir }), {
      name: 'sandbox',
      configPath: null,
    });
  });

  it('must be a name that can be an audit folder', async () => {
    const path = configFile({ environment: '../dev3' });
    await assert.rejects(configuredEnvironmentName(place(path)), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, ['environment: expected the name of the environment to use, found "../dev3"']);
      return true;
    });
  });
});

describe('config validation messages', () => {
  it('name the key, what was expected and what was found', async () => {
    const problems = await problemsOf({
      environment: 'dev3',
      environments: {
        dev3: dev3({ baseUrl: 'http://api.dev3.ers.ncrs.nhs.uk/ers-api', asid: 200000000220, production: undefined, caCertificates: [] }),
      },
    });
    assert.deepEqual(problems, [
      'environments.dev3.baseUrl: expected an https:// URL, found "http://api.dev3.ers.ncrs.nhs.uk/ers-api"',
      'environments.dev3.asid: expected the 12-digit ASID as text, found 200000000220',
      'environments.dev3.caCertificates: expected at least one CA certificate path, found a list',
      'environments.dev3.production: expected true or false, found nothing',
    ]);
  });

  it('refuse unknown settings, saying certificate checks cannot be switched off', async () => {
    const problems = await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ rejectUnauthorized: false, colour: 'blue' }) } });
    assert.deepEqual(problems, [
      'environments.dev3.rejectUnauthorized: unknown setting (certificate checks cannot be switched off)',
      'environments.dev3.colour: unknown setting',
    ]);
  });

  it('check the identity method, the environment name and production sign-in', async () => {
    assert.deepEqual(await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ identity: { method: 'password' } }) } }), [
      'environments.dev3.identity.method: expected method "smartcard", "test-card" or "sso-token", found "password"',
    ]);
    assert.deepEqual(await problemsOf({ environment: 'dev4', environments: { dev3: dev3() } }), [
      'environment: expected one of "sandbox", "dev3", found "dev4"',
    ]);
    assert.deepEqual(await problemsOf({ environment: 'live', environments: { live: dev3({ production: true }) } }), [
      'environments.live.identity.method: a production environment must sign in with a smartcard, found "sso-token"',
    ]);
    assert.deepEqual(await problemsOf({ environment: 'sandbox', environments: { sandbox: dev3() } }), [
      'environments.sandbox: "sandbox" is the built-in sandbox and cannot be redefined: choose another name',
    ]);
    assert.deepEqual(await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ timeouts: { connectMs: 10 } }) } }), [
      'environments.dev3.timeouts.connectMs: expected at least 1000 ms, found 10',
    ]);
  });

  it('report JSON syntax errors', async () => {
    const problems = await problemsOf('{ "environment": "dev3", }');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^not valid JSON: /);
  });

  it('report files by path: missing, not PEM, key not matching, expired, FQDN not the certificate CN', async () => {
    const missing = await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ clientCertificate: 'certs/missing.crt' }) } });
    assert.equal(missing.length, 1);
    assert.match(missing[0]!, /^environments\.dev3\.clientCertificate: file not found: \/.*\/certs\/missing\.crt$/);

    const notPem = await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ caCertificates: ['certs/ca.crt', 'certs/client.key'] }) } });
    assert.equal(notPem.length, 1);
    assert.match(notPem[0]!, /^environments\.dev3\.caCertificates\[1\]: expected a PEM certificate, found none in \/.*\/certs\/client\.key$/);

    const wrongKey = await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ clientKey: 'certs/server.key' }) } });
    assert.equal(wrongKey.length, 1);
    assert.match(wrongKey[0]!, /^environments\.dev3\.clientKey: the key in \/.*server\.key does not belong to the certificate in \/.*client\.crt$/);

    const expired = await problemsOf({ environment: 'dev3', environments: { dev3: dev3() } }, { now: Date.now() + 10 * 86_400_000 });
    assert.ok(expired.some((p) => /^environments\.dev3\.clientCertificate: the certificate in .* expired on /.test(p)), expired.join('\n'));

    assert.deepEqual(await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ fqdn: 'other.example.nhs.uk' }) } }), [
      'environments.dev3.fqdn: expected the common name of the endpoint certificate ("client.test"), found "other.example.nhs.uk"',
    ]);
  });
});

describe('every problem at once', () => {
  it("reports the README's example exactly: an http:// baseUrl and a missing clientKey, together", async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const example = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
    const documented = /cannot be used:\n[\s\S]*?\n```/.exec(section)![0]!.replace(/\n```$/, '');
    const folder = join(dir, 'readme');
    mkdirSync(join(folder, 'certs'), { recursive: true });
    // The endpoint certificate has the example's FQDN as its CN; its key is the missing file.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=test-fqdn.example.nhs.uk', '-keyout', join(folder, 'unused.key'), '-out', join(folder, 'certs', 'endpoint.crt')], { stdio: 'ignore' });
    writeFileSync(join(folder, 'certs', 'nhs-root.crt'), pki.ca.certPem);
    writeFileSync(join(folder, 'certs', 'nhs-sub.crt'), pki.ca.certPem);
    const path = join(folder, 'config.json');
    writeFileSync(path, example.replace('"https://api.dev3', '"http://api.dev3'));
    await assert.rejects(chooseEnvironment({ place: place(path) }), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `The configuration in ${path} ${documented.replaceAll('/home/me/.config/ers-attach', folder)}`);
      assert.equal(err.problems.length, 2);
      return true;
    });
  });

  it('checks the files even when there is an unknown key, and names every broken path', async () => {
    assert.deepEqual(
      (await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ colour: 'blue', clientKey: 'certs/none.key' }) } })).map(withoutDir),
      ['environments.dev3.colour: unknown setting', 'environments.dev3.clientKey: file not found: DIR/certs/none.key'],
    );
    const identity = { method: 'test-card', identityUrl: 'https://id.example', certificate: 'certs/no-card.crt', privateKey: 'certs/card.key', pin: '1234' };
    assert.deepEqual(
      (await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ caCertificates: ['certs/ca.crt', 7, 'certs/no-ca.crt'], identity }) } })).map(withoutDir),
      [
        'environments.dev3.caCertificates[1]: expected the path of a CA certificate (PEM), found 7',
        'environments.dev3.identity.pin: unknown setting',
        'environments.dev3.caCertificates[2]: file not found: DIR/certs/no-ca.crt',
        'environments.dev3.identity.certificate: file not found: DIR/certs/no-card.crt',
      ],
    );
  });

  it('still compares the FQDN with the certificate when the key is missing, and checks a smartcard module is there', async () => {
    assert.deepEqual((await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ fqdn: 'other.example.nhs.uk', clientKey: 'certs/none.key' }) } })).map(withoutDir), [
      'environments.dev3.clientKey: file not found: DIR/certs/none.key',
      'environments.dev3.fqdn: expected the common name of the endpoint certificate ("client.test"), found "other.example.nhs.uk"',
    ]);
    const smartcard = { method: 'smartcard', identityUrl: 'http://id.example', pkcs11Module: 'lib/opensc-pkcs11.so' };
    assert.deepEqual((await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ identity: smartcard }) } })).map(withoutDir), [
      'environments.dev3.identity.identityUrl: expected the https:// URL of the identity service, found "http://id.example"',
      'environments.dev3.identity.pkcs11Module: file not found: DIR/lib/opensc-pkcs11.so',
    ]);
  });

  it("checks only the chosen environment's files", async () => {
    const problems = await problemsOf({ environment: 'dev3', environments: { dev3: dev3({ baseUrl: 'http://x' }), other: dev3({ clientKey: 'certs/none.key' }) } });
    assert.deepEqual(problems, ['environments.dev3.baseUrl: expected an https:// URL, found "http://x"']);
  });
});

describe('a valid configuration', () => {
  it('resolves relative paths from the config folder and normalises the base URL', async () => {
    const path = configFile({ environment: 'dev3', environments: { dev3: dev3() } });
    const chosen = await chooseEnvironment({ place: place(path) });
    assert.equal(chosen.kind, 'configured');
    if (chosen.kind !== 'configured') return;
    assert.equal(chosen.configPath, path);
    assert.equal(chosen.spec.baseUrl, 'https://api.dev3.ers.ncrs.nhs.uk/ers-api');
    assert.equal(chosen.spec.tls.certificatePem, pki.client.certPem);
    assert.deepEqual(chosen.spec.tls.caCertificatesPem, [pki.ca.certPem]);
    assert.deepEqual(chosen.spec.identity, { method: 'sso-token' });
    assert.deepEqual(chosen.spec.timeouts, { connectMs: 5000, requestMs: 60000 });
  });

  it('honours an environment chosen by the caller, and only loads that one', async () => {
    const path = configFile({ environment: 'broken', environments: { broken: dev3({ clientKey: 'certs/none.key' }), dev3: dev3() } });
    const chosen = await chooseEnvironment({ place: place(path), environment: 'dev3' });
    assert.equal(chosen.kind, 'configured');
  });

  it('gives a working mutual-TLS connection and test card', async () => {
    const server = await startTlsServer(pki, (req, res) => res.end(req.url));
    const path = configFile({
      environment: 'local',
      environments: {
        local: dev3({
          baseUrl: `${server.origin}/ers-api`,
          identity: { method: 'test-card', identityUrl: `${server.origin}/identity`, certificate: 'certs/card.crt', privateKey: 'certs/card.key' },
        }),
      },
    });
    const env = await resolveEnvironment({ place: place(path) });
    try {
      assert.equal(env.name, 'local');
      assert.equal(env.isSandbox, false);
      assert.equal(env.credentialProvider?.kind, 'test-card');
      assert.equal(env.connection.asid, '999000000045');
      const response = await env.connection.transport.request({ method: 'GET', url: new URL(`${env.connection.baseUrl}/ping`), headers: {} });
      assert.equal(Buffer.from(response.body).toString(), '/ers-api/ping');
    } finally {
      await env.close();
      await server.close();
    }
  });
});
