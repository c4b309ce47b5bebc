// axe finds no WCAG 2.2 AA violations in the page's empty, populated and error states.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { dropFiles, expect, fixture, row, signIn, test } from './fixtures.ts';

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  return results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

test('empty (signed out, nothing added)', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByLabel('Smartcard PIN')).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('populated (signed in, files ready and uploaded)', async ({ page, app }) => {
  await page.goto(app.url);
  await signIn(page);
  await dropFiles(page, [await fixture('referral.pdf'), await fixture('scan.png')]);
  await expect(row(page, 'scan.png').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(row(page, 'scan.png').locator('.nhsuk-tag')).toHaveText('Uploaded', { timeout: 20_000 });
  await dropFiles(page, [await fixture('referral.docx')]);
  await expect(row(page, 'referral.docx').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  expect(await violations(page)).toEqual([]);
});

test('errors (rejected files, a refusal and a bad UBRN)', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [await fixture('bloods.xlsx'), { name: 'empty.pdf', size: 0 }, await fixture('referral.pdf')]);
  await expect(row(page, 'empty.pdf').locator('.nhsuk-tag')).toHaveText('Cannot upload');
  await page.getByLabel('Intended UBRN (optional)').fill('12ab');
  await page.getByLabel('Intended UBRN (optional)').blur();
  await expect(page.locator('#ubrn-error')).toBeVisible();
  // A failed sign-in shows its inline error too.
  await page.getByLabel('Smartcard PIN').fill('99');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(page.locator('.ers-session .nhsuk-error-message')).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('session screens (choosing a role, locked with files kept)', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByLabel('Smartcard PIN').fill('1234');
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(page.getByRole('group', { name: 'Which role are you working in?' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
  await page.getByRole('radio', { name: /^Referring clinician at / }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await dropFiles(page, [await fixture('referral.pdf')]);
  await expect(row(page, 'referral.pdf').locator('.nhsuk-tag')).toHaveText('Ready to upload');
  await app.backend.lock();
  await expect(page.getByRole('heading', { name: 'Your smartcard was removed' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
