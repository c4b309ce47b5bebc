// The browser journey with a real card: `npm run preview` on the embedded
// sandbox, signing in through a SoftHSM2 token's PIN typed in the page, the
// card holder's name and roles, choosing a role, and an upload with its e-RS id.
import { dropFiles, fixture, row } from './fixtures.ts';
import { expect, test } from './card-preview.ts';

test('card sign-in: PIN in the page, name and roles, role choice, then an upload shows its e-RS id', async ({ page, cardPreview }) => {
  const { url, card, user } = cardPreview;
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Sign in to e-RS' })).toBeVisible();

  // A wrong PIN is refused in the card's words, next to the PIN field.
  const pin = page.getByLabel('Smartcard PIN');
  await pin.fill('135790');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(page.locator('.nhsuk-error-message')).toContainText('The PIN is wrong');
  await expect(pin).toHaveValue('');

  await pin.fill(card.userPin);
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();

  // The card holder's name, and their roles: the four that can attach files offered, SERVICE_DEFINER named as not.
  const roles = page.getByRole('group', { name: 'Which role are you working in?' });
  await expect(roles).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText(user.name);
  await expect(roles.getByRole('radio')).toHaveCount(4);
  for (const label of [
    'Referring clinician at NHST_X3 (R01)',
    'Referring clinician admin at NHST_X3 (R01)',
    'Service provider clinician at NHST_X3 (R01)',
    'Service provider clinician admin at NHST_X3 (R01)',
  ]) {
    await expect(roles.getByRole('radio', { name: label, exact: true })).toBeVisible();
  }
  await expect(page.getByText('Your other role (Service definer at NHST_X3 (R01)) cannot attach files to referrals.')).toBeVisible();

  await roles.getByRole('radio', { name: 'Referring clinician at NHST_X3 (R01)', exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(roles).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText(`${user.name}, Referring clinician at NHST_X3`);

  await dropFiles(page, [await fixture('referral.pdf')]);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await page.getByRole('button', { name: 'Upload 1 file' }).click();
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await expect(row(page, 'referral.pdf').locator('.ers-file__id-value')).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('taking the card out locks the page within 2 seconds with the list kept; putting it back and signing in carries on', async ({ page, cardPreview }) => {
  const { url, card } = cardPreview;
  await page.goto(url);
  // The preview (and its session) lives for the whole worker: sign in only if this page is not already.
  const pin = page.getByLabel('Smartcard PIN');
  const roles = page.getByRole('group', { name: 'Which role are you working in?' });
  const account = page.getByRole('navigation', { name: 'Account' });
  await expect(pin.or(account)).toBeVisible();
  const signInWithCard = async () => {
    await pin.fill(card.userPin);
    await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
    await roles.getByRole('radio', { name: 'Referring clinician at NHST_X3 (R01)', exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(account).toContainText('Referring clinician at NHST_X3');
  };
  if (await pin.isVisible()) await signInWithCard();

  await dropFiles(page, [await fixture('letter.rtf')]);
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Ready to upload');

  await card.takeOut();
  try {
    // Seen by the watcher, locked by main and shown by the page, all inside the 2 seconds.
    await expect(page.getByRole('heading', { name: 'Your smartcard was removed' })).toBeVisible({ timeout: 2000 });
    await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
    await expect(page.getByRole('button', { name: 'Upload 1 file' })).toBeDisabled();
  } finally {
    await card.putBack();
  }

  await signInWithCard();
  await page.getByRole('button', { name: 'Upload 1 file' }).click();
  await expect(row(page, 'letter.rtf').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
});
