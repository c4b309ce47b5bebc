// The session screens: a removed smartcard locks the app but keeps the list;
// a session e-RS ends asks for sign-in again and the queue carries on.
import { dropFiles, expect, fixture, row, signIn, test } from './fixtures.ts';

test('a removed smartcard locks the app, keeps the list on screen and blocks uploads until sign-in', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('scan.png')]);
  await expect(row(page, 'scan.png').locator('.nhsuk-tag')).toHaveText('Ready to upload');

  await app.backend.lock();
  await expect(page.getByRole('heading', { name: 'Your smartcard was removed' })).toBeVisible();
  await expect(page.locator('.ers-session')).toContainText('your files are still in the list');
  await expect(page.locator('li.ers-file')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Upload 2 files' })).toBeDisabled();
  await expect(page.locator('#upload-reason')).toHaveText('Put your smartcard back and sign in again to upload files');
  expect(app.uploadRequests()).toEqual([]);

  await signIn(page);
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(row(page, 'scan.png').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
});

test('when e-RS ends the session the page says sign in again, and the upload carries on after it', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf')]);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  const before = app.uploadRequests().length;
  app.sandbox.faults.add({ kind: 'expire-session', operation: 'A020', times: 1 });
  await page.getByRole('button', { name: 'Upload 1 file' }).click();

  await expect(page.getByRole('heading', { name: 'Session ended: sign in again' })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('li.ers-file')).toHaveCount(1);
  await signIn(page);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  // The refused attempt, then the one after signing in again.
  expect(app.uploadRequests().slice(before).map((r) => r.fileName)).toEqual(['referral.pdf', 'referral.pdf']);
});

test('a wrong PIN is explained inline with the tries left, and the PIN is cleared', async ({ page, app }) => {
  await page.goto(app.url);
  const pin = page.getByLabel('Smartcard PIN');
  await pin.fill('9999');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(page.locator('.ers-session .nhsuk-error-message')).toHaveText('Error: The PIN is wrong. You have 2 tries left before your smartcard locks.');
  await expect(pin).toHaveValue('');
  await expect(pin).toHaveAttribute('aria-describedby', /-error$/);
  // As on every NHS.UK form: a summary at the top, focused, linking to the field.
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  const link = summary.getByRole('link', { name: 'The PIN is wrong. You have 2 tries left before your smartcard locks.' });
  await link.click();
  await expect(pin).toBeFocused();
  // Each failed attempt moves focus to the summary again.
  await pin.fill('12');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText(['Enter your smartcard PIN, which is 4 to 16 numbers']);
  // The card was not locked by one wrong try: the right PIN still works, and the summary goes with the form.
  await signIn(page);
  await expect(summary).toHaveCount(0);
});

test('a pasted sign-in token that is not valid is refused with a reason', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByText('Sign in with a token instead').click();
  await page.getByLabel('Sign-in token').fill('not-a-real-token');
  await page.getByRole('button', { name: 'Sign in with token' }).click();
  await expect(page.locator('.ers-session .nhsuk-error-message')).toBeVisible();
  await expect(page.getByLabel('Smartcard PIN')).toBeVisible();
});

test('choosing no role is explained in the error summary too, linking to the roles', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByLabel('Smartcard PIN').fill('1234');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  const roles = page.getByRole('group', { name: 'Which role are you working in?' });
  await expect(roles).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(roles.locator('.nhsuk-error-message')).toHaveText('Error: Select the role you are working in');
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary).toBeFocused();
  await summary.getByRole('link', { name: 'Select the role you are working in' }).click();
  await expect(roles.getByRole('radio').first()).toBeFocused();
  // Choosing a role takes the problem away with the form.
  await roles.getByRole('radio', { name: /^Referring clinician at / }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(roles).toBeHidden();
  await expect(summary).toHaveCount(0);
});
