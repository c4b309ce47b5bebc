// The desktop app end to end, driven by Playwright's _electron: the browser
// suite's journey (sign in, add files, see each verdict, upload the valid
// ones, see their e-RS ids), using its page steps (test/e2e/fixtures.ts), but
// through the real preload, IPC and main process, with files dropped from
// disk so the preload resolves their paths; plus checks that the window is
// the hardened one. Skipped, with the reason printed, where the Electron
// binary is not installed.

import type { Page } from '@playwright/test';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/csp.ts';
import { expect, row, signIn, test as e2eTest } from '../e2e/fixtures.ts';
import { buildOnce, launchApp, REPO_ROOT, skipUnlessElectron, type Launched } from './launch.ts';
import type { PageWorld } from './page-world.ts';

const availability = skipUnlessElectron(e2eTest);
const fixture = (name: string) => path.join(REPO_ROOT, 'test', 'fixtures', name);
const ERS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The desktop app on the e2e world's sandbox (started in this process, so the test sees what reached it). */
const test = e2eTest.extend<{ desktop: Launched }>({
  desktop: async ({ world }, use, testInfo) => {
    const launched = await launchApp(availability, testInfo, world.configPath);
    await use(launched);
    await launched.app.close();
  },
});

test.beforeAll(() => buildOnce(availability));

/** Drops real files from disk (File objects backed by a path, as from Explorer or Finder), so webUtils resolves them. */
async function dropFromDisk(page: Page, paths: readonly string[]): Promise<void> {
  await page.evaluate(() => {
    const { document } = globalThis as unknown as PageWorld;
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'e2e-disk-files';
    input.hidden = true;
    document.body.append(input);
  });
  await page.locator('#e2e-disk-files').setInputFiles([...paths]);
  await page.evaluate(() => {
    const world = globalThis as unknown as PageWorld;
    const input = world.document.getElementById('e2e-disk-files')!;
    const transfer = new DataTransfer();
    for (const file of Array.from(input.files ?? [])) transfer.items.add(file);
    input.remove();
    for (const type of ['dragenter', 'dragover', 'drop']) {
      world.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
}

/** Drops a file that exists only in memory, as one dragged out of an email client does. */
async function dropNotOnDisk(page: Page, name: string): Promise<void> {
  await page.evaluate((fileName) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['%PDF-1.4\n'], fileName, { type: 'application/pdf' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      (globalThis as unknown as PageWorld).dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, name);
}

/** Records, in main, every message sent to the window, as JSON. */
async function recordMessagesToRenderer(launched: Launched): Promise<() => Promise<string[]>> {
  await launched.app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents;
    const sent: string[] = [];
    (globalThis as { __ersSent?: string[] }).__ersSent = sent;
    const send = contents.send.bind(contents);
    contents.send = (channel: string, ...args: unknown[]) => {
      sent.push(JSON.stringify([channel, ...args]));
      send(channel, ...args);
    };
  });
  return () => launched.app.evaluate(() => (globalThis as { __ersSent?: string[] }).__ersSent ?? []);
}

e2eTest('opens the hardened app page, on the embedded sandbox', async ({}, testInfo) => {
  const { app, page } = await launchApp(availability, testInfo);
  try {
    await expect(page).toHaveURL('app://ers-attach/index.html');
    await expect(page.getByText('Sandbox', { exact: true })).toBeVisible();

    const facts = await page.evaluate(async () => {
      const world = globalThis as unknown as PageWorld;
      const response = await fetch('app://ers-attach/index.html');
      const outside = await fetch('app://ers-attach/..%2fpackage.json').then((r) => r.status, () => 'refused');
      return {
        bridge: Object.keys(world.ers).sort(),
        node: [typeof world.require, typeof world.process],
        csp: response.headers.get('content-security-policy'),
        outside,
        popupBlocked: world.open('https://www.nhs.uk/') === null,
      };
    });
    expect(facts.bridge).toEqual(
      ['addFiles', 'cancel', 'chooseFiles', 'chooseRole', 'on', 'remove', 'retry', 'session', 'signIn', 'signOut', 'snapshot', 'upload'],
    );
    // No Node in the page: nodeIntegration is off and the preload's world is isolated from it.
    expect(facts.node).toEqual(['undefined', 'undefined']);
    expect(facts.csp).toBe(CONTENT_SECURITY_POLICY);
    expect(facts.outside).not.toBe(200);
    expect(facts.popupBlocked).toBe(true);
    expect(app.windows()).toHaveLength(1);

    await page.evaluate(() => {
      (globalThis as unknown as PageWorld).location.href = 'https://www.nhs.uk/';
    });
    await page.waitForTimeout(500);
    await expect(page).toHaveURL('app://ers-attach/index.html');
  } finally {
    await app.close();
  }
});

test('drop files, see each verdict, upload the valid ones, see their e-RS ids', async ({ desktop, world }) => {
  const { page } = desktop;
  const sentToRenderer = await recordMessagesToRenderer(desktop);
  const storedBefore = new Set(world.sandbox.store.list().map((file) => file.id));
  await signIn(page);

  await dropFromDisk(page, [fixture('referral.pdf'), fixture('referral.docx'), fixture('bloods.xlsx')]);
  await dropNotOnDisk(page, 'from-outlook.pdf');

  await expect(row(page, 'referral.pdf')).toContainText('Ready to upload');
  await expect(row(page, 'referral.docx')).toContainText('Ready to upload');
  await expect(row(page, 'bloods.xlsx')).toContainText('Cannot upload');
  await expect(row(page, 'bloods.xlsx')).toContainText('Excel spreadsheet');
  await expect(row(page, 'from-outlook.pdf')).toContainText('Not added');

  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  for (const name of ['referral.pdf', 'referral.docx']) {
    await expect(row(page, name)).toContainText('Uploaded', { timeout: 30_000 });
    await expect(row(page, name).locator('.ers-file__id-value')).toHaveText(ERS_ID);
  }
  await expect(row(page, 'bloods.xlsx')).toContainText('Cannot upload');
  await expect(row(page, 'bloods.xlsx').locator('.ers-file__id-value')).toHaveCount(0);

  // What reached e-RS: the two valid files, never the spreadsheet.
  const stored = world.sandbox.store.list().filter((file) => !storedBefore.has(file.id));
  expect(stored.map((file) => file.name).sort()).toEqual(['referral.docx', 'referral.pdf']);

  // No message main sent to the window carries a session key that crossed the wire.
  const messages = await sentToRenderer();
  expect(messages.length).toBeGreaterThan(0);
  expect(world.sessionKeys.size).toBeGreaterThan(0);
  for (const key of world.sessionKeys) expect(messages.filter((message) => message.includes(key))).toEqual([]);
});

test('Choose files opens main\'s own dialog; the page never names a path', async ({ desktop }) => {
  const { app, page } = desktop;
  await app.evaluate(({ dialog }, filePaths) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths })) as typeof dialog.showOpenDialog;
  }, [fixture('letter.rtf'), fixture('scan.bmp')]);
  await page.locator('#files').click();
  await expect(row(page, 'letter.rtf')).toContainText('Ready to upload');
  await expect(row(page, 'scan.bmp')).toContainText('Cannot upload');
});
