// The card watcher's process launcher over Electron's utilityProcess, against
// a fake UtilityProcess (an EventEmitter, as Electron's is).

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { utilityWatcherLauncher, type ForkUtility } from '../../../electron/main/utility-watcher.ts';

class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  readonly stderr = new PassThrough();
  kills = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.kills += 1;
    return true;
  }
}

function launched() {
  const forks: { modulePath: string; args: string[]; options: Parameters<ForkUtility>[2]; child: FakeUtilityProcess }[] = [];
  const launch = utilityWatcherLauncher((modulePath, args, options) => {
    const child = new FakeUtilityProcess();
    forks.push({ modulePath, args, options, child });
    return child;
  });
  const env = { SOFTHSM2_CONF: '/etc/softhsm2.conf' };
  const watcher = launch({ script: '/opt/ers-attach/resources/app.asar/dist/electron/card-watch-child.js', env });
  return { watcher, fork: forks[0]!, env };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('utilityWatcherLauncher', () => {
  it('forks the polling script as a utility process with the given environment and stderr piped', () => {
    const { fork, env } = launched();
    assert.equal(fork.modulePath, '/opt/ers-attach/resources/app.asar/dist/electron/card-watch-child.js');
    assert.deepEqual(fork.args, []);
    assert.deepEqual(fork.options, { env, stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'ers-attach card watcher' });
  });

  it('holds the start message until the process has spawned, then delivers it', () => {
    const { watcher, fork } = launched();
    watcher.send({ modulePath: '/usr/lib/softhsm/libsofthsm2.so', intervalMs: 300 });
    assert.deepEqual(fork.child.posted, []);
    fork.child.emit('spawn');
    assert.deepEqual(fork.child.posted, [{ modulePath: '/usr/lib/softhsm/libsofthsm2.so', intervalMs: 300 }]);
    watcher.send({ second: true });
    assert.equal(fork.child.posted.length, 2);
  });

  it('passes every message from the child on', () => {
    const { watcher, fork } = launched();
    const received: unknown[] = [];
    watcher.onMessage((message) => received.push(message));
    fork.child.emit('message', { type: 'ready', card: null });
    fork.child.emit('message', { type: 'removed' });
    assert.deepEqual(received, [{ type: 'ready', card: null }, { type: 'removed' }]);
  });

  it('says how it ended, with the last line the child wrote to stderr', async () => {
    const { watcher, fork } = launched();
    const ends: string[] = [];
    watcher.onEnd((why) => ends.push(why));
    fork.child.stderr.write('loading module\nCKR_GENERAL_ERROR from C_Initialize\n');
    await tick();
    fork.child.emit('exit', 1);
    await tick();
    assert.deepEqual(ends, ['stopped (exit code 1): CKR_GENERAL_ERROR from C_Initialize']);
  });

  it('names a fatal error Electron reported', async () => {
    const { watcher, fork } = launched();
    const ends: string[] = [];
    watcher.onEnd((why) => ends.push(why));
    fork.child.emit('error', 'FatalError', 'v8', 'report');
    fork.child.emit('exit', 133);
    await tick();
    assert.deepEqual(ends, ['stopped (FatalError)']);
  });

  it('stop() kills the process and resolves when it has exited', async () => {
    const { watcher, fork } = launched();
    fork.child.emit('spawn');
    let stopped = false;
    const stopping = watcher.stop(5_000).then(() => (stopped = true));
    await tick();
    assert.equal(fork.child.kills, 1);
    assert.equal(stopped, false);
    fork.child.emit('exit', 0);
    await stopping;
    assert.equal(stopped, true);
  });

  it('stop() gives up waiting after the grace period', async () => {
    const { watcher, fork } = launched();
    const started = Date.now();
    await watcher.stop(30);
    assert.ok(Date.now() - started >= 25);
    assert.equal(fork.child.kills, 1);
  });

  it('once ended, it neither kills nor sends again', async () => {
    const { watcher, fork } = launched();
    fork.child.emit('spawn');
    fork.child.emit('exit', 0);
    await watcher.stop(5_000);
    watcher.kill();
    watcher.send({ late: true });
    assert.equal(fork.child.kills, 0);
    assert.deepEqual(fork.child.posted, []);
  });
});
