// Uploading: the valid files go to e-RS (the sandbox) and come back with
// their ids; a bad file is never sent; a keyboard alone can do all of it.
import { dropFiles, expect, fixture, fixtureBytes, row, signIn, test } from './fixtures.ts';
import { createHash } from 'node:crypto';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('valid files upload and show their e-RS ids; the bad one shows its rule and is never sent', async ({ page, app }) => {
  await page.goto(app.url);
  const upload = page.getByRole('button', { name: /^Upload/ });
  await expect(upload).toBeDisabled();
  await expect(page.locator('#upload-reason')).toHaveText('Sign in to upload files');
  await signIn(page);
  await expect(page.locator('#upload-reason')).toHaveText('Add a file that passes the checks to upload it');

  await dropFiles(page, [await fixture('referral.pdf'), await fixture('bloods.xlsx'), await fixture('scan.png')]);
  await expect(row(page, 'bloods.xlsx').locator('.nhsuk-error-message')).toContainText('bloods.xlsx is an Excel spreadsheet');
  await expect(upload).toHaveText('Upload 2 files');
  await page.getByLabel('Intended UBRN (optional)').fill('0000 4000 1234');
  await upload.click();

  for (const name of ['referral.pdf', 'scan.png']) {
    await expect(row(page, name).locator('.nhsuk-tag'), name).toHaveText('Uploaded', { timeout: 20_000 });
  }
  // Each id on screen is a file the sandbox holds, with the same bytes and the UBRN.
  const stored = app.sandbox.store.list();
  for (const name of ['referral.pdf', 'scan.png']) {
    const shownId = (await row(page, name).locator('.ers-file__id-value').textContent()) ?? '';
    const file = app.sandbox.store.get(shownId);
    expect(file?.name, name).toBe(name);
    expect(file?.sha256).toBe(sha256(await fixtureBytes(name)));
    expect(file?.ubrn).toBe('000040001234');
  }
  expect(stored.some((file) => file.name === 'bloods.xlsx')).toBe(false);
  // The rejected file never went over the wire at all.
  const sent = app.uploadRequests().map((r) => r.fileName).sort();
  expect(sent).toEqual(['referral.pdf', 'scan.png']);
  await expect(row(page, 'bloods.xlsx').locator('.nhsuk-tag')).toHaveText('Cannot upload');
  await expect(page.getByTestId('announcements')).toContainText(/uploaded\. e-RS file id /);

  // Copy puts the id on the clipboard, and says so.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  const pdfRow = row(page, 'referral.pdf');
  await pdfRow.getByRole('button', { name: 'Copy the e-RS file id for referral.pdf' }).click();
  await expect(pdfRow.getByRole('button', { name: /^Copied/ })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await pdfRow.locator('.ers-file__id-value').textContent());
  await expect(page.getByTestId('announcements')).toHaveText('e-RS file id for referral.pdf copied');
});

test('keyboard only: sign in, choose files, upload', async ({ page, app }) => {
  await page.goto(app.url);
  const tabTo = async (locator: ReturnType<typeof page.locator>, most = 30) => {
    for (let i = 0; i < most; i++) {
      await page.keyboard.press('Tab');
      if (await locator.evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error('never reached by Tab');
  };
  // Sign in with the PIN from the keyboard.
  await tabTo(page.getByLabel('Smartcard PIN'));
  await page.keyboard.type('1234');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Smartcard PIN')).toBeHidden();
  const role = page.getByRole('group', { name: 'Which role are you working in?' });
  if (await role.isVisible()) {
    // Tab enters the radio group at its first role; Space chooses it.
    await tabTo(role.getByRole('radio').first());
    await page.keyboard.press('Space');
    await expect(role.getByRole('radio').first()).toBeChecked();
    await tabTo(page.getByRole('button', { name: 'Continue' }));
    await page.keyboard.press('Enter');
    await expect(role).toBeHidden();
  }
  await expect(page.locator('#upload-reason')).toHaveText('Add a file that passes the checks to upload it');

  // The drop zone is a real button: Tab reaches it, focus is visible, Enter opens the chooser.
  const zone = page.locator('#files');
  await tabTo(zone);
  const outline = await zone.evaluate((el) => getComputedStyle(el).outlineStyle + getComputedStyle(el).boxShadow);
  expect(outline).not.toBe('none' + 'none');
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles([
    { name: 'referral.pdf', mimeType: '', buffer: await fixtureBytes('referral.pdf') },
    { name: 'letter.rtf', mimeType: '', buffer: await fixtureBytes('letter.rtf') },
  ]);
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await expect(page.getByTestId('announcements')).toHaveText('2 files added, 2 ready to upload.');

  const upload = page.getByRole('button', { name: 'Upload 2 files' });
  await tabTo(upload);
  await page.keyboard.press('Enter');
  for (const name of ['referral.pdf', 'letter.rtf']) {
    await expect(row(page, name).locator('.nhsuk-tag'), name).toHaveText('Uploaded', { timeout: 20_000 });
  }
  expect(app.uploadRequests().map((r) => r.fileName).sort()).toEqual(['letter.rtf', 'referral.pdf']);
});

test('an invalid UBRN is explained in the NHS.UK error pattern and blocks the upload', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf')]);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  const field = page.getByLabel('Intended UBRN (optional)');
  await field.fill('1234');
  await field.blur();
  await expect(page.locator('#ubrn-error')).toHaveText('Error: The UBRN must be 12 digits. You entered 4');
  await expect(field).toHaveAttribute('aria-describedby', 'ubrn-hint ubrn-error');
  await expect(page.locator('.nhsuk-error-summary').getByRole('link', { name: 'The UBRN must be 12 digits. You entered 4' })).toHaveAttribute('href', '#ubrn');
  await expect(page.getByRole('button', { name: 'Upload 1 file' })).toBeDisabled();
  await expect(page.locator('#upload-reason')).toHaveText('Correct the UBRN to upload files');
  expect(app.uploadRequests()).toEqual([]);
});

test('a copy of a file already in the list is left out of Upload, in main too, until Upload anyway sends it', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('scan.png'), await fixture('referral.pdf', 'referral copy.pdf')]);
  const copy = row(page, 'referral copy.pdf');
  await expect(copy.locator('.nhsuk-tag')).toHaveText('Not sent');
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  for (const name of ['referral.pdf', 'scan.png']) {
    await expect(row(page, name).locator('.nhsuk-tag'), name).toHaveText('Uploaded', { timeout: 20_000 });
  }
  await expect(copy.locator('.ers-file__warning')).toHaveText('Not sent: same content as referral.pdf. Remove it, or upload it anyway');
  expect(app.uploadRequests().map((r) => r.fileName).sort()).toEqual(['referral.pdf', 'scan.png']);
  // Main is the source of truth: an upload without ids leaves the copy out whoever asks.
  const again = await app.backend.handlers['queue:upload']({});
  expect(again.items.find((item) => item.name === 'referral copy.pdf')?.status).toBe('ready');
  await expect(page.locator('#upload-reason')).toHaveText(
    'The files left have the same content as files already added: remove them, or upload them anyway',
  );
  await copy.getByRole('button', { name: 'Upload anyway referral copy.pdf' }).click();
  await expect(copy.locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  expect(app.uploadRequests().map((r) => r.fileName).sort()).toEqual(['referral copy.pdf', 'referral.pdf', 'scan.png']);
});
