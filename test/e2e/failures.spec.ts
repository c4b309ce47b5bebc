// When e-RS is unavailable or an answer is lost: the reason on the row, Try
// again, and the warning that e-RS may hold a second copy.
import { dropFiles, expect, fixture, row, signIn, test, type PreviewApp } from './fixtures.ts';

/** How many copies of a name the sandbox holds (it is shared by the tests of a worker). */
const stored = (app: PreviewApp, name: string) => app.sandbox.store.list().filter((file) => file.name === name).length;

test('an upload that keeps failing shows the reason and can be tried again', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf')]);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  const before = stored(app, 'referral.pdf');
  // More 503s than the backend will retry.
  app.sandbox.faults.add({ kind: 'status', status: 503, operation: 'A020', times: 2 });
  await page.getByRole('button', { name: 'Upload 1 file' }).click();

  const it = row(page, 'referral.pdf');
  await expect(it.locator('.nhsuk-tag')).toHaveText('Not uploaded', { timeout: 20_000 });
  await expect(it.locator('.nhsuk-error-message')).not.toBeEmpty();
  await expect(page.locator('.nhsuk-error-summary').getByRole('link', { name: /^referral\.pdf was not uploaded: / })).toBeVisible();
  await expect(page.getByTestId('announcements')).toContainText('referral.pdf was not uploaded: ');
  expect(stored(app, 'referral.pdf')).toBe(before);

  await it.getByRole('button', { name: 'Try again referral.pdf' }).click();
  await expect(it.locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await expect(it.locator('.ers-file__id-value')).toHaveText(/\S+/);
  await expect(page.locator('.nhsuk-error-summary')).toHaveCount(0);
  expect(stored(app, 'referral.pdf')).toBe(before + 1);
});

test('an answer lost after e-RS stored the file warns that e-RS may hold a second copy', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('letter.rtf')]);
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  const before = stored(app, 'letter.rtf');
  app.sandbox.faults.add({ kind: 'lose-answer', operation: 'A020', times: 1 });
  await page.getByRole('button', { name: 'Upload 1 file' }).click();

  const it = row(page, 'letter.rtf');
  await expect(it.locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await expect(it.locator('.ers-file__warning')).toContainText('e-RS may hold a second copy of this file');
  // It really does: the lost attempt was stored too.
  expect(stored(app, 'letter.rtf')).toBe(before + 2);
});
