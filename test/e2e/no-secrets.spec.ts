// Everything the preview sends the page over a whole journey (each operation's
// answer and every Server-Sent Event) is recorded in the browser, and none of
// it carries the e-RS session key.
import { dropFiles, expect, fixture, row, signIn, test } from './fixtures.ts';

test('no message to the page contains the session key', async ({ page, app }) => {
  const messages: string[] = [];
  // SSE messages as Chromium received them (DevTools protocol), before the page's code sees them.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.eventSourceMessageReceived', (event) => messages.push(`${event.eventName}\n${event.data}`));
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    if (!new URL(response.url()).pathname.startsWith('/api/') || response.url().endsWith('/api/events')) return;
    pending.push(response.text().then((text) => void messages.push(text)));
  });

  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('bloods.xlsx'), await fixture('letter.rtf')]);
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await row(page, 'bloods.xlsx').getByRole('button', { name: 'Remove bloods.xlsx' }).click();
  await expect(row(page, 'bloods.xlsx')).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Smartcard PIN')).toBeVisible();
  await Promise.all(pending);

  // The recording is real: it holds the uploads' ids and the session's changes.
  const all = messages.join('\n');
  const ids = app.sandbox.store.list().map((file) => file.id);
  for (const id of ids.slice(-2)) expect(all).toContain(id);
  expect(messages.some((m) => m.startsWith('session:changed\n'))).toBe(true);
  expect(messages.some((m) => m.startsWith('queue:changed\n'))).toBe(true);

  // And it holds no session key: neither the keys seen on the wire nor anything shaped like one.
  expect(app.sessionKeys.size).toBeGreaterThan(0);
  for (const key of app.sessionKeys) expect(all.includes(key), 'a session key reached the page').toBe(false);
  expect(all).not.toMatch(/pro-xapi-session_/i);
});
