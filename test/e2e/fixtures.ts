// The e2e world: one e-RS sandbox per worker (making its PKI takes a moment),
// and for each test a fresh real backend pointed at it, behind a fresh preview
// server on a free port. Tests reach into the sandbox (its store, its request
// log, its faults) to check what really went over the wire.
import { test as base, expect, type Page } from '@playwright/test';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { createBackend, SANDBOX_TEST_PIN, type Backend } from '../../electron/services/backend.ts';
import { writeRunningSandboxConfig } from '../../electron/services/config/sandbox-config.ts';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { startPreviewServer } from '../../preview/server.ts';
import { RENDERER_DIST } from '../../preview/build.ts';

export { expect };

const FIXTURES = new URL('../fixtures/', import.meta.url);

export interface SandboxWorld {
  readonly sandbox: Sandbox;
  readonly configPath: string;
  /** Every HTTP_X_SESSION_KEY value that reached the sandbox, read off the wire (its own log redacts them). */
  readonly sessionKeys: ReadonlySet<string>;
}

export interface PreviewApp {
  readonly url: string;
  readonly backend: Backend;
  readonly sandbox: Sandbox;
  readonly sessionKeys: ReadonlySet<string>;
  /** A020 requests the sandbox received during this test. */
  uploadRequests(): { readonly fileName: string; readonly ubrn: string | null }[];
}

const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1000 } as const;

export const test = base.extend<{ app: PreviewApp }, { world: SandboxWorld }>({
  // Every test also checks that the page logged no error: no CSP violation, no failed request, no exception.
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    await use(page);
    expect(problems, 'the page logged errors').toEqual([]);
  },

  world: [
    async ({}, use) => {
      const dir = await mkdtemp(join(tmpdir(), 'ers-e2e-sandbox-'));
      const sessionKeys = new Set<string>();
      // The sandbox runs in this process, so its HTTP server's diagnostics channel shows every request as it arrives.
      const onRequest = (message: unknown) => {
        const { request } = message as { request: IncomingMessage };
        const key = request.headers['http_x_session_key'];
        if (typeof key === 'string' && key !== '') sessionKeys.add(key);
      };
      subscribe('http.server.request.start', onRequest);
      const sandbox = await startSandbox();
      const configPath = await writeRunningSandboxConfig(sandbox, join(dir, 'config'));
      await use({ sandbox, configPath, sessionKeys });
      unsubscribe('http.server.request.start', onRequest);
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  app: async ({ world }, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'ers-e2e-state-'));
    const firstRequest = world.sandbox.requests.length;
    // Quick retries, so a test sees an upload give up (or recover) in well under a second.
    const backend = await createBackend({ userDataDir: dir, configPath: world.configPath, retry: FAST_RETRY });
    const server = await startPreviewServer({ backend, staticDir: RENDERER_DIST });
    world.sandbox.faults.clear();
    await use({
      url: server.url,
      backend,
      sandbox: world.sandbox,
      sessionKeys: world.sessionKeys,
      uploadRequests: () =>
        world.sandbox.requests
          .slice(firstRequest)
          .filter((r) => r.method === 'POST' && /\/binary$/i.test(r.path))
          .map((r) => ({
            fileName: r.headers['x-ers-xapi-meta-file_name'] ?? '',
            ubrn: r.headers['x-ers-xapi-meta-intended_ubrn'] ?? null,
          })),
    });
    world.sandbox.faults.clear();
    await server.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  },
});

// ---------------------------------------------------------------- files

export interface DropFile {
  readonly name: string;
  /** Base64 of the bytes; or leave it out and give size for a generated PDF-looking file of that size. */
  readonly base64?: string;
  readonly size?: number;
}

export async function fixture(name: string, as: string = name): Promise<DropFile> {
  const bytes = await readFile(new URL(encodeURIComponent(name), FIXTURES));
  return { name: as, base64: bytes.toString('base64') };
}

export async function fixtureBytes(name: string): Promise<Buffer> {
  return readFile(new URL(encodeURIComponent(name), FIXTURES));
}

/**
 * Drop files on the drop zone the way a person does: a DataTransfer built in
 * the page from real bytes, with dragenter, dragover and drop events.
 * File.type is left empty, as Windows gives it for many files.
 */
export async function dropFiles(page: Page, files: readonly DropFile[]): Promise<void> {
  await page.locator('#files').evaluate((zone, specs) => {
    const transfer = new DataTransfer();
    for (const spec of specs) {
      let bytes: Uint8Array;
      if (spec.base64 !== undefined) {
        bytes = Uint8Array.from(atob(spec.base64), (c) => c.charCodeAt(0));
      } else {
        bytes = new Uint8Array(spec.size ?? 0);
        const header = new TextEncoder().encode('%PDF-1.4\n');
        if (bytes.length >= header.length) bytes.set(header);
      }
      transfer.items.add(new File([bytes], spec.name, { type: '' }));
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, files);
}

/** Drop something that is not a file (a link dragged from a browser). */
export async function dropText(page: Page, text: string): Promise<void> {
  await page.locator('#files').evaluate((zone, value) => {
    const transfer = new DataTransfer();
    transfer.setData('text/uri-list', value);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, text);
}

// ---------------------------------------------------------------- the page

/** The row for a file, by the name it was added under. */
export function row(page: Page, name: string) {
  return page.locator('li.ers-file').filter({ has: page.locator('.ers-file__name', { hasText: new RegExp(`^${escape(name)}$`) }) });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Sign in through the page with the sandbox test card, choosing the first role that can upload if asked. */
export async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Smartcard PIN').fill(SANDBOX_TEST_PIN);
  await page.getByRole('button', { name: 'Sign in with smartcard' }).click();
  await expect(page.getByLabel('Smartcard PIN')).toBeHidden();
  const role = page.getByRole('group', { name: 'Which role are you working in?' });
  if (await role.isVisible()) {
    await role.getByRole('radio', { name: /^Referring clinician at / }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(role).toBeHidden();
  }
  // Signed in: whatever still stops an upload, it is no longer the session.
  await expect(page.locator('#upload-reason').filter({ hasText: /sign in|role|smartcard|Checking whether/i })).toHaveCount(0);
}
