// A card put back straight after it was taken out: the lock may still be
// ending the old session (waiting for A003). Signing in then waits for it
// rather than being told that signing in is "already in progress".

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSessionKeeper, MESSAGES, type SessionApi, type SessionLike } from '../../../electron/services/auth/session-keeper.ts';

interface Session extends SessionLike {
  readonly key: string;
}

function keeperWithSlowA003(endingWaitMs?: number) {
  const log: string[] = [];
  let release: () => void = () => {};
  let n = 0;
  const api: SessionApi<Session> = {
    async create() {
      log.push('A001');
      return { key: `k${++n}`, user: { identifier: '555000000030', firstName: 'Ann', middleName: null, lastName: 'Lee' }, permissions: [], permission: null };
    },
    async selectRole(session) {
      return session;
    },
    async remove(session) {
      log.push(`A003 ${session.key} sent`);
      await new Promise<void>((resolve) => (release = resolve));
      log.push(`A003 ${session.key} answered`);
    },
  };
  const keeper = createSessionKeeper<Session>({
    api,
    environment: { name: 'Sandbox', isSandbox: true },
    smartcard: async () => 'token',
    pastedToken: null,
    ...(endingWaitMs === undefined ? {} : { endingWaitMs }),
  });
  return { keeper, log, release: () => release() };
}

it('a sign-in during the lock waits for A003 to be answered, then signs in', async () => {
  const { keeper, log, release } = keeperWithSlowA003();
  await keeper.signIn({ method: 'smartcard', pin: '1234' });
  const locking = keeper.lock();
  assert.equal(keeper.view().status, 'locked');
  const signingIn = keeper.signIn({ method: 'smartcard', pin: '1234' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(log, ['A001', 'A003 k1 sent'], 'no A001 before the old session has ended');
  release();
  await locking;
  const view = await signingIn;
  assert.ok(!('ok' in view), `sign-in failed: ${'ok' in view ? view.message : ''}`);
  assert.equal(view.status, 'choose-role');
  assert.deepEqual(log, ['A001', 'A003 k1 sent', 'A003 k1 answered', 'A001']);
});

it('if the old session takes too long to end, the sign-in says so instead of hanging', async () => {
  const { keeper, release } = keeperWithSlowA003(50);
  await keeper.signIn({ method: 'smartcard', pin: '1234' });
  const locking = keeper.lock();
  assert.deepEqual(await keeper.signIn({ method: 'smartcard', pin: '1234' }), { ok: false, message: MESSAGES.stillEnding, attemptsLeft: null });
  assert.equal(MESSAGES.stillEnding, 'ers-attach is still ending your last e-RS session. Try again in a moment.');
  release();
  await locking;
});
