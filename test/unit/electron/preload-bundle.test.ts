// Loads the real preload bundle (built by scripts/build-electron.ts) in a Node
// vm with a fake 'electron' module, then checks what it exposes: exactly the
// ErsBridge functions, one IPC channel per operation, files:add-dropped only
// through addFiles with paths webUtils resolved, events with payload only.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import type { Metafile } from 'esbuild';
import { OPERATIONS, type ErsBridge } from '../../../shared/ipc/contract.ts';
import { buildPreload } from '../../../scripts/build-electron.ts';

/** Every member of ErsBridge; `satisfies` fails typecheck if the interface gains or loses one. */
const BRIDGE_MEMBERS = {
  addFiles: true,
  chooseFiles: true,
  snapshot: true,
  remove: true,
  cancel: true,
  retry: true,
  upload: true,
  session: true,
  signIn: true,
  chooseRole: true,
  signOut: true,
  on: true,
} as const satisfies Record<keyof ErsBridge<unknown>, true>;

/** A stand-in for the DOM File: only webUtils knows where it lives. */
class FakeFile {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Loaded {
  exposed: { key: string; api: Record<string, unknown> }[];
  required: string[];
  invokes: { channel: string; request: unknown }[];
  listeners: Map<string, Set<(...args: unknown[]) => void>>;
  reply: { current: unknown };
  paths: WeakMap<object, string>;
  pathLookups: unknown[];
}

async function loadPreload(code: string): Promise<Loaded> {
  const loaded: Loaded = {
    exposed: [],
    required: [],
    invokes: [],
    listeners: new Map(),
    reply: { current: { value: 'ok' } },
    paths: new WeakMap(),
    pathLookups: [],
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Record<string, unknown>) => loaded.exposed.push({ key, api }),
    },
    ipcRenderer: {
      invoke: async (channel: string, request: unknown) => {
        loaded.invokes.push({ channel, request });
        return loaded.reply.current;
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        const set = loaded.listeners.get(channel) ?? new Set();
        set.add(listener);
        loaded.listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
        loaded.listeners.get(channel)?.delete(listener);
      },
    },
    webUtils: {
      // Like Electron's: only a real File converts; anything else is a conversion failure.
      getPathForFile: (file: unknown) => {
        loaded.pathLookups.push(file);
        if (!(file instanceof FakeFile)) throw new TypeError('Error processing argument at index 0, conversion failure from ');
        return loaded.paths.get(file) ?? '';
      },
    },
  };
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    loaded.required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports }, { filename: 'preload.cjs' });
  return loaded;
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)); // vm objects have another realm's prototypes

describe('the preload bundle', () => {
  let dir: string;
  let code: string;
  let metafile: Metafile;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ers-attach-preload-'));
    const outfile = path.join(dir, 'preload.cjs');
    metafile = await buildPreload(outfile);
    code = await readFile(outfile, 'utf8');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is built only from our own code and requires nothing but electron', async () => {
    const inputs = Object.keys(metafile.inputs);
    assert.deepEqual(inputs.filter((input) => input.includes('node_modules')), [], 'no npm package (zod stays in main)');
    const loaded = await loadPreload(code);
    assert.deepEqual(loaded.required, ['electron']);
  });

  it('exposes one object, window.ers, with exactly the ErsBridge functions', async () => {
    const { exposed } = await loadPreload(code);
    assert.equal(exposed.length, 1);
    assert.equal(exposed[0]?.key, 'ers');
    const api = exposed[0]!.api;
    assert.deepEqual(Object.keys(api).sort(), Object.keys(BRIDGE_MEMBERS).sort());
    for (const [name, member] of Object.entries(api)) assert.equal(typeof member, 'function', name);
    assert.equal(Object.isFrozen(api), true);
  });

  it('reaches every operation through exactly one function, and files:add-dropped only through addFiles', async () => {
    const loaded = await loadPreload(code);
    const api = loaded.exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const letter = new FakeFile('referral.pdf');
    loaded.paths.set(letter, '/home/gp/Letters/referral.pdf');
    const calls: Record<string, unknown[]> = {
      addFiles: [[letter]],
      chooseFiles: [],
      snapshot: [],
      remove: ['f_Ab3dEf6hIj'],
      cancel: ['f_Ab3dEf6hIj'],
      retry: ['f_Ab3dEf6hIj'],
      upload: [{ ids: ['f_Ab3dEf6hIj'], ubrn: '000000012345' }],
      session: [],
      signIn: [{ method: 'smartcard', pin: '1234' }],
      chooseRole: [{ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R69' }],
      signOut: [],
    };
    const channelOf: Record<string, string> = {};
    for (const [name, args] of Object.entries(calls)) {
      loaded.invokes.length = 0;
      await api[name]!(...args);
      assert.equal(loaded.invokes.length, 1, `${name} makes one call`);
      channelOf[name] = loaded.invokes[0]!.channel;
    }
    assert.deepEqual(Object.values(channelOf).sort(), Object.keys(OPERATIONS).sort());
    assert.deepEqual(
      Object.keys(channelOf).filter((name) => channelOf[name] === 'files:add-dropped'),
      ['addFiles'],
    );
  });

  it('addFiles sends the path webUtils resolved for each File, and "" for one not on disk', async () => {
    const loaded = await loadPreload(code);
    const api = loaded.exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const onDisk = new FakeFile('referral.pdf');
    loaded.paths.set(onDisk, '/home/gp/Letters/referral.pdf');
    const fromOutlook = new FakeFile('bloods.pdf');
    await api.addFiles!([onDisk, fromOutlook]);
    assert.deepEqual(plain(loaded.invokes), [
      {
        channel: 'files:add-dropped',
        request: { items: [{ path: '/home/gp/Letters/referral.pdf', name: 'referral.pdf' }, { path: '', name: 'bloods.pdf' }] },
      },
    ]);
  });

  for (const [what, argument] of [
    ['a path string', ['/etc/passwd']],
    ['a Windows path string', ['C:\\Users\\gp\\Documents\\letter.docx']],
    ['an object that claims a path', [{ name: 'letter.pdf', path: '/etc/shadow' }]],
  ] as const) {
    it(`addFiles cannot be given ${what}: nothing reaches main`, async () => {
      const loaded = await loadPreload(code);
      const api = loaded.exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
      await assert.rejects(api.addFiles!(argument), /conversion failure/);
      assert.deepEqual(loaded.invokes, []);
    });
  }

  it('upload passes only ids and ubrn, whatever else the page adds', async () => {
    const loaded = await loadPreload(code);
    const api = loaded.exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await api.upload!({ ids: ['f_Ab3dEf6hIj'], path: '/etc/passwd', url: 'https://evil.example/' });
    await api.upload!({});
    assert.deepEqual(plain(loaded.invokes.map((call) => call.request)), [{ ids: ['f_Ab3dEf6hIj'] }, {}]);
  });

  it('resolves with the value and rejects with main\'s message', async () => {
    const loaded = await loadPreload(code);
    const api = loaded.exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    loaded.reply.current = { value: { items: [] } };
    assert.deepEqual(plain(await api.snapshot!()), { items: [] });
    loaded.reply.current = { error: 'queue:remove refused: id: not a file id issued by ers-attach' };
    await assert.rejects(api.remove!('nope'), { message: 'queue:remove refused: id: not a file id issued by ers-attach' });
  });

  it('on() passes only the payload, never the IPC event, and returns an unsubscribe function', async () => {
    const loaded = await loadPreload(code);
    const api = loaded.exposed[0]!.api as { on: (event: string, listener: (...args: unknown[]) => void) => () => void };
    const received: unknown[][] = [];
    const unsubscribe = api.on('queue:changed', (...args) => received.push(args));
    const ipcEvent = { sender: { send: () => {} }, senderId: 0, ports: [] };
    for (const listener of loaded.listeners.get('queue:changed') ?? []) listener(ipcEvent, { items: [], removed: [] });
    assert.deepEqual(plain(received), [[{ items: [], removed: [] }]]);
    unsubscribe();
    assert.equal(loaded.listeners.get('queue:changed')?.size, 0);
    api.on('session:changed', () => {});
    assert.equal(loaded.listeners.get('session:changed')?.size, 1);
  });

  for (const event of ['files:read', 'ipc', '__proto__', 'toString', 'constructor', 'QUEUE:CHANGED']) {
    it(`on() refuses an event outside the contract: ${event}`, async () => {
      const loaded = await loadPreload(code);
      const api = loaded.exposed[0]!.api as { on: (event: string, listener: () => void) => () => void };
      assert.throws(() => api.on(event, () => {}), /ers-attach has no event called/);
      assert.equal(loaded.listeners.size, 0);
    });
  }
});
