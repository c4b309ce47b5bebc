// Real files dropped on the window: each gets the verdict the e-RS rules give
// it, with every broken rule named, and nothing is sent.
import { dropFiles, dropText, expect, fixture, row, test } from './fixtures.ts';

test('each dropped file shows its verdict from its bytes, not its name or browser type', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Attach files to a referral' })).toBeVisible();
  await dropFiles(page, [
    await fixture('referral.pdf'),
    await fixture('referral.docx'),
    await fixture('referral.doc'),
    await fixture('letter.rtf'),
    await fixture('notes-utf16le.txt'),
    await fixture('scan.png'),
    await fixture('bloods.xlsx'),
    await fixture('rash-heic.jpg', 'rash.jpg'),
    await fixture('Discharge summary.msg'),
    await fixture('page.html'),
    await fixture('docx-renamed.pdf', 'letter.pdf'),
    { name: 'empty.pdf', size: 0 },
    { name: 'too-big.pdf', size: 5_242_881 },
    { name: 'just-fits.pdf', size: 5_242_880 },
  ]);

  // Rows stay in the order the files were dropped, whichever of main's answers and events came first.
  await expect(page.locator('li.ers-file .ers-file__name')).toHaveText([
    'referral.pdf', 'referral.docx', 'referral.doc', 'letter.rtf', 'notes-utf16le.txt', 'scan.png', 'bloods.xlsx', 'rash.jpg',
    'Discharge summary.msg', 'page.html', 'letter.pdf', 'empty.pdf', 'too-big.pdf', 'just-fits.pdf',
  ]);
  for (const name of ['referral.pdf', 'referral.docx', 'referral.doc', 'letter.rtf', 'notes-utf16le.txt', 'scan.png', 'just-fits.pdf']) {
    await expect(row(page, name).locator('.nhsuk-tag'), name).toHaveText('Ready to upload');
  }
  const refused: [string, RegExp][] = [
    ['bloods.xlsx', /bloods\.xlsx is an Excel spreadsheet\. e-RS does not accept these: save it as a PDF/],
    ['rash.jpg', /rash\.jpg is a HEIC photo, not a JPEG: export it as JPEG/],
    ['Discharge summary.msg', /Discharge summary\.msg is an Outlook email/],
    ['page.html', /page\.html is a web page/],
    ['letter.pdf', /letter\.pdf is a Word document, not a PDF/],
    ['empty.pdf', /^Error: empty\.pdf is empty$/],
    ['too-big.pdf', /too-big\.pdf is 5,242,881 bytes\. The largest file e-RS accepts is 5,242,880 bytes \(5MB\)/],
  ];
  for (const [name, message] of refused) {
    const it = row(page, name);
    await expect(it.locator('.nhsuk-tag'), name).toHaveText('Cannot upload');
    await expect(it.locator('.nhsuk-error-message').first(), name).toHaveText(message);
  }
  // Each names the rule it broke and its e-RS code.
  await expect(row(page, 'bloods.xlsx').locator('.ers-file__rule')).toHaveText('Rule: accepted file types (INAPPROPRIATE_VALUE)');
  await expect(row(page, 'too-big.pdf').locator('.ers-file__rule')).toHaveText('Rule: file size (FILE_SIZE_ERROR)');
  await expect(row(page, 'letter.pdf').locator('.ers-file__rule')).toHaveText('Rule: content matches the file type (CONFLICTING_VALUES)');
  // The type each row shows is what the bytes are.
  await expect(row(page, 'referral.doc').locator('.ers-file__facts')).toContainText('10 KB');
  // Every problem is in the error summary too, linking to its file.
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(summary.getByRole('link')).toHaveCount(refused.length);
  await summary.getByRole('link', { name: /bloods\.xlsx/ }).click();
  await expect(row(page, 'bloods.xlsx')).toBeFocused();
  // The live region counted them.
  await expect(page.getByTestId('announcements')).toHaveText('14 files added, 7 ready to upload, 7 cannot be uploaded.');
  // Nothing was sent: the person has not pressed Upload (and is not signed in).
  expect(app.uploadRequests()).toEqual([]);
});

test('a name that e-RS will store differently says so before upload', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [await fixture('referral.pdf', 'Dr O’Brien – referral.pdf')]);
  const it = row(page, 'Dr O’Brien – referral.pdf');
  await expect(it.locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await expect(it.locator('.ers-file__note')).toContainText("Will be stored as Dr O'Brien - referral.pdf");
});

test('the same content added twice is flagged, and the copy is not sent unless asked', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('referral.pdf', 'referral copy.pdf')]);
  await expect(row(page, 'referral copy.pdf').locator('.ers-file__warning')).toHaveText(
    'Not sent: same content as referral.pdf. Remove it, or upload it anyway',
  );
  await expect(row(page, 'referral copy.pdf').locator('.nhsuk-tag')).toHaveText('Not sent');
  await expect(row(page, 'referral copy.pdf').getByRole('button', { name: 'Upload anyway referral copy.pdf' })).toBeVisible();
  await expect(row(page, 'referral.pdf').locator('.ers-file__warning')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Upload 1 file' })).toBeVisible();
});

test('two files with the same problem are each listed once in the error summary, each linking to its own row', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [await fixture('bloods.xlsx'), await fixture('bloods.xlsx')]);
  await expect(page.locator('li.ers-file .nhsuk-tag')).toHaveText(['Cannot upload', 'Cannot upload']);
  const links = page.locator('.nhsuk-error-summary').getByRole('link');
  await expect(links).toHaveText([/^bloods\.xlsx is an Excel spreadsheet.* \(file 1 in the list\)$/, /^bloods\.xlsx is an Excel spreadsheet.* \(file 2 in the list\)$/]);
  const rows = page.locator('li.ers-file');
  await links.nth(1).click();
  await expect(rows.nth(1)).toBeFocused();
  await links.nth(0).click();
  await expect(rows.nth(0)).toBeFocused();
});

test('something dropped that is not a file is refused with what to do, and can be removed', async ({ page, app }) => {
  await page.goto(app.url);
  await dropText(page, 'https://mail.example.nhs.uk/attachment/123');
  const it = page.locator('li.ers-file');
  await expect(it.locator('.nhsuk-tag')).toHaveText('Not added');
  await expect(it.locator('.nhsuk-error-message')).toHaveText(/not a file\. Save it to your computer first, then add it/);
  await it.getByRole('button', { name: /Remove/ }).click();
  await expect(page.locator('li.ers-file')).toHaveCount(0);
});

test('removing a file takes it out of main’s queue', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('scan.png')]);
  await expect(row(page, 'scan.png').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await row(page, 'scan.png').getByRole('button', { name: 'Remove scan.png' }).click();
  await expect(row(page, 'scan.png')).toHaveCount(0);
  const snapshot = await app.backend.handlers['queue:snapshot']({});
  expect(snapshot.items.map((item) => item.name)).toEqual(['referral.pdf']);
  await expect(page.getByTestId('announcements')).toHaveText('scan.png removed');
});
