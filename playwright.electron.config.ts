// Playwright for the Electron app itself (npm run test:electron), separate
// from the browser suite: one worker (each test launches its own Electron),
// no browser projects. Where the Electron binary is missing every test skips
// and says why.

import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/electron',
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
