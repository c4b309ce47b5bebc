// The picture for the README and the issue: a mixed batch on one screen,
// uploaded with ids, rejected with reasons, and one still uploading (the
// sandbox holds its answer back).
import { dropFiles, expect, fixture, row, signIn, test } from './fixtures.ts';

test('a populated window with a mixed batch', async ({ page, app }, testInfo) => {
  await page.setViewportSize({ width: 1100, height: 1400 });
  await page.goto(app.url);
  await signIn(page);
  // Hold the first upload's answer for longer than the test needs.
  app.sandbox.faults.add({ kind: 'delay', ms: 60_000, operation: 'A020', times: 1 });
  await dropFiles(page, [
    await fixture('referral.pdf', 'Referral letter - Dr Patel.pdf'),
    await fixture('referral.docx', 'Clinic letter.docx'),
    await fixture('scan.png', 'Wound photo.png'),
    await fixture('bloods.xlsx'),
    await fixture('rash-heic.jpg', 'rash.jpg'),
  ]);
  await expect(row(page, 'Wound photo.png').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await page.getByRole('button', { name: 'Upload 3 files' }).click();

  const tags = page.locator('li.ers-file .nhsuk-tag');
  await expect(tags.filter({ hasText: 'Uploaded' })).toHaveCount(2, { timeout: 20_000 });
  await expect(tags.filter({ hasText: 'Uploading' })).toHaveCount(1);
  await expect(page.locator('li.ers-file progress')).toHaveCount(1);
  await expect(page.locator('.ers-file__id-value')).toHaveCount(2);
  await expect(tags.filter({ hasText: 'Cannot upload' })).toHaveCount(2);

  const path = 'test-results/preview-mixed-batch.png';
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('mixed batch', { path, contentType: 'image/png' });

  // Cancel stops the held upload (and lets the test end without waiting for the sandbox).
  const held = page.locator('li.ers-file').filter({ has: page.locator('.nhsuk-tag', { hasText: 'Uploading' }) });
  const name = (await held.locator('.ers-file__name').textContent()) ?? '';
  await held.getByRole('button', { name: `Cancel ${name}` }).click();
  await expect(row(page, name).locator('.nhsuk-tag')).toHaveText('Cancelled');
  await expect(page.getByTestId('announcements')).toHaveText(`Upload of ${name} cancelled`);
});
