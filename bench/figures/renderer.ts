// Figure 3: drop 1,000 files onto the browser preview (the built renderer in
// Debian's Chromium, wired to the real backend) and time until every row shows
// main's verdict; against the same page rendering the same 1,000 rows from
// static data.
//
// The baseline needs no hook in the renderer: it gives the page a window.ers
// (the way Electron's preload does) whose snapshot() answers at once with the
// 1,000 items the real run ended with, so the page renders exactly the same
// rows, and nothing else. Both are timed inside the page with performance.now(),
// the end being the first animation frame at which the condition holds.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type LaunchOptions, type Page } from '@playwright/test';
import e2eConfig from '../../playwright.config.ts';
import { createBackend, type Backend } from '../../electron/services/backend.ts';
import { createSandboxPki } from '../../sandbox/pki.ts';
import { startPreviewServer, type PreviewServer } from '../../preview/server.ts';
import type { QueueSnapshot, SessionView } from '../../shared/ipc/contract.ts';
import { writeMixedCorpus, type CorpusFile } from '../corpus/build.ts';
import { buildRenderer } from '../lib/build-renderer.ts';
import type { BenchContext, FigureResult } from '../lib/figure.ts';
import { pairedRatios, summarise } from '../lib/stats.ts';

/** The browser the e2e suite drives (Debian's Chromium, its flags), so both measure the same thing. */
const LAUNCH: LaunchOptions = e2eConfig.use?.launchOptions ?? {};
const RATIO_TARGET = 3;
const ABSOLUTE_TARGET_MS = 1000;
// A slow drop is a result to report, not a failure: wait long enough for it to finish.
const WAIT_MS = 300_000;
/** Set BENCH_PAGE_PROFILE_DIR to keep a CPU profile of the page for each drop (open it in Chrome DevTools). */
const PROFILE_DIR = process.env['BENCH_PAGE_PROFILE_DIR'];


/**
 * In-page helpers, as source text (the page is not type-checked with the
 * Node code). `rowsSettled(n)` is true once n rows are listed and each shows
 * main's verdict: no "Checking" tag, and no row still the renderer's own
 * provisional one (local rows are ids file-local-*, which only refusals keep).
 */
const PAGE_HELPERS = String.raw`
window.__bench = {
  tags() {
    return [...document.querySelectorAll('li.ers-file')].map((row) => ({
      local: row.id.startsWith('file-local-'),
      tag: row.querySelector('.ers-file__status .nhsuk-tag')?.textContent ?? '',
    }));
  },
  /** shown = n rows, each with a verdict tag; settled = and each is main's (two selector queries, no per-row lookups). */
  state(n) {
    const tags = document.querySelectorAll('li.ers-file .ers-file__status .nhsuk-tag');
    if (document.querySelectorAll('li.ers-file').length !== n || tags.length !== n) return { shown: false, settled: false };
    for (const tag of tags) if (tag.textContent === 'Checking') return { shown: false, settled: false };
    for (const tag of document.querySelectorAll('li.ers-file[id^="file-local-"] .ers-file__status .nhsuk-tag')) {
      if (tag.textContent !== 'Not added') return { shown: true, settled: false };
    }
    return { shown: true, settled: true };
  },
  /** How long the page waited on POST /api/files, from Resource Timing. */
  apiFiles() {
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/files'));
    return { count: entries.length, totalMs: entries.reduce((n, e) => n + e.duration, 0) };
  },
  /** Resolves with the times (since t0) of the first frames at which the rows were shown and settled. */
  watch(n, t0, timeoutMs) {
    return new Promise((resolve, reject) => {
      let shownAt = null;
      const frame = (now) => {
        const state = this.state(n);
        if (shownAt === null && state.shown) shownAt = now - t0;
        if (state.settled) return resolve({ shownMs: shownAt, settledMs: now - t0, api: this.apiFiles() });
        if (now - t0 > timeoutMs) return reject(new Error('rows did not settle: ' + JSON.stringify(this.tags().slice(0, 5))));
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
  },
};
`;

/** Loads every file's bytes into the page (untimed), then drops them all at once and times the rows. */
const DROP_AND_TIME = String.raw`
async ({ names, sizes, n, timeoutMs }) => {
  performance.setResourceTimingBufferSize(100000);
  const all = new Uint8Array(await (await fetch('/__bench/all')).arrayBuffer());
  const files = [];
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    files.push(new File([all.subarray(at, at + sizes[i])], names[i]));
    at += sizes[i];
  }
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
  await new Promise((r) => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  window.dispatchEvent(drop);
  return window.__bench.watch(n, t0, timeoutMs);
}
`;

/** A window.ers for the baseline: the queue as the real run left it, answered at once; nothing else happens. */
const STATIC_BRIDGE = String.raw`
({ snapshot, session }) => {
  const never = () => new Promise(() => {});
  window.__benchStatic = { t0: null };
  window.ers = {
    snapshot() {
      window.__benchStatic.t0 = performance.now();
      return Promise.resolve(snapshot);
    },
    session: () => Promise.resolve(session),
    on: () => () => {},
    addFiles: never, chooseFiles: never, remove: never, cancel: never, retry: never,
    upload: never, signIn: never, chooseRole: never, signOut: never,
  };
}
`;

const STATIC_WAIT = String.raw`
async ({ n, timeoutMs }) => {
  const started = performance.now();
  while (window.__benchStatic.t0 === null) {
    if (performance.now() - started > timeoutMs) throw new Error('the page never asked for its snapshot');
    await new Promise((r) => setTimeout(r, 1));
  }
  return window.__bench.watch(n, window.__benchStatic.t0, timeoutMs);
}
`;

interface Timings {
  readonly shownMs: number;
  readonly settledMs: number;
  readonly api: { readonly count: number; readonly totalMs: number };
}

async function openApp(browser: Browser, url: string, init?: { script: string; arg: unknown }): Promise<Page> {
  const page = await browser.newPage();
  if (init) await page.addInitScript(`(${init.script})(${JSON.stringify(init.arg)})`);
  await page.goto(url);
  await page.waitForSelector('#files', { timeout: 30_000 });
  await page.evaluate(PAGE_HELPERS);
  return page;
}

interface Live {
  readonly backend: Backend;
  readonly server: PreviewServer;
}

async function startLive(ctx: BenchContext, staticDir: string, run: number, pki: Awaited<ReturnType<typeof createSandboxPki>>): Promise<Live> {
  const backend = await createBackend({ userDataDir: join(ctx.workDir, `user-data-${run}`), sandbox: { pki } });
  const server = await startPreviewServer({ backend, staticDir });
  return { backend, server };
}


/** Chromium's own counters (layouts, style recalculations, script time) over the drop, to say where the time went. */
const PAGE_METRICS = ['LayoutCount', 'RecalcStyleCount', 'LayoutDuration', 'RecalcStyleDuration', 'ScriptDuration', 'TaskDuration'] as const;
type PageMetrics = Record<(typeof PAGE_METRICS)[number], number>;

async function pageMetrics(cdp: CDPSession): Promise<PageMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const out = {} as PageMetrics;
  for (const name of PAGE_METRICS) out[name] = metrics.find((m) => m.name === name)?.value ?? 0;
  return out;
}

async function runOurs(
  browser: Browser,
  live: Live,
  files: readonly CorpusFile[],
  all: Buffer,
  run: number,
): Promise<{ timings: Timings; snapshot: QueueSnapshot; session: SessionView; metrics: PageMetrics }> {
  const page = await openApp(browser, live.server.url);
  try {
    await page.route('**/__bench/all', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: all }));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (PROFILE_DIR !== undefined) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const before = await pageMetrics(cdp);
    const timings = (await page.evaluate(`(${DROP_AND_TIME})(${JSON.stringify({ names: files.map((f) => f.name), sizes: files.map((f) => f.size), n: files.length, timeoutMs: WAIT_MS })})`)) as Timings;
    const after = await pageMetrics(cdp);
    const metrics = {} as PageMetrics;
    // Durations come in seconds; keep milliseconds. (They include loading the files into the page, which is untimed.)
    for (const name of PAGE_METRICS) metrics[name] = (after[name] - before[name]) * (name.endsWith('Duration') ? 1000 : 1);
    if (PROFILE_DIR !== undefined) {
      const { profile } = await cdp.send('Profiler.stop');
      await mkdir(PROFILE_DIR, { recursive: true });
      await writeFile(join(PROFILE_DIR, `renderer-drop-${run}.cpuprofile`), JSON.stringify(profile));
    }
    const snapshot = await live.backend.handlers['queue:snapshot']({});
    const session = await live.backend.handlers['session:get']({});
    return { timings, snapshot, session, metrics };
  } finally {
    await page.close();
  }
}

async function runStatic(browser: Browser, url: string, snapshot: QueueSnapshot, session: SessionView, n: number): Promise<Timings> {
  const page = await openApp(browser, url, { script: STATIC_BRIDGE, arg: { snapshot, session } });
  try {
    return (await page.evaluate(`(${STATIC_WAIT})(${JSON.stringify({ n, timeoutMs: WAIT_MS })})`)) as Timings;
  } finally {
    await page.close();
  }
}

export async function benchRenderer(ctx: BenchContext): Promise<FigureResult> {
  const count = ctx.files ?? (ctx.quick ? 50 : 1000);
  // Profiling wants readable function names: build unminified then (its times are not the figure's).
  const staticDir = await buildRenderer(undefined, PROFILE_DIR === undefined);
  // The browser cannot drop a folder made in a page, so this corpus has none (the validation figure does).
  const files = await writeMixedCorpus(join(ctx.workDir, 'files'), count, { folder: false, large: true });
  const all = Buffer.concat(await Promise.all(files.map((f) => readFile(f.path))));
  const pki = await createSandboxPki();
  const browser = await chromium.launch({ ...LAUNCH, headless: true });
  const ours: number[] = [];
  const oursShown: number[] = [];
  const apiMs: number[] = [];
  const baseline: number[] = [];
  let rowStates: Record<string, number> = {};
  const metrics: PageMetrics[] = [];
  const version = `Chromium ${browser.version()}`;
  try {
    for (let i = -ctx.warmups; i < ctx.runs; i++) {
      const live = await startLive(ctx, staticDir, i + 1, pki);
      try {
        const real = await runOurs(browser, live, files, all, i + 1);
        if (real.snapshot.items.length !== count) throw new Error(`the queue holds ${real.snapshot.items.length} items, not the ${count} dropped`);
        const still = await runStatic(browser, live.server.url, real.snapshot, real.session, count);
        rowStates = {};
        for (const item of real.snapshot.items) rowStates[item.status] = (rowStates[item.status] ?? 0) + 1;
        ctx.log(
          `renderer: run ${i < 0 ? 'warm-up' : i + 1}: ours ${real.timings.settledMs.toFixed(0)} ms (${real.timings.api.count} POST /api/files took ${real.timings.api.totalMs.toFixed(0)} ms), static rows ${still.settledMs.toFixed(0)} ms`,
        );
        if (i < 0) continue;
        ours.push(real.timings.settledMs);
        oursShown.push(real.timings.shownMs);
        apiMs.push(real.timings.api.totalMs);
        metrics.push(real.metrics);
        baseline.push(still.settledMs);
      } finally {
        await live.server.close();
        await live.backend.close();
      }
    }
  } finally {
    await browser.close();
  }
  const ratio = pairedRatios(ours, baseline);
  const oursSummary = summarise(ours);
  const met = ratio.median <= RATIO_TARGET && oursSummary.median < ABSOLUTE_TARGET_MS;
  return {
    id: 'renderer',
    title: `Renderer: drop ${count} files`,
    ours: { label: 'drop to every row showing main\'s verdict (preview bridge, real backend)', unit: 'ms', summary: oursSummary },
    baseline: { label: `the same page rendering the same ${count} rows from static data (${version})`, unit: 'ms', summary: summarise(baseline) },
    ratio,
    figure: { value: ratio.median, unit: '×', what: `ours / static rows (ours ${oursSummary.median.toFixed(0)} ms)` },
    target: `≤ ${RATIO_TARGET}× and < ${ABSOLUTE_TARGET_MS / 1000} s`,
    met,
    details: {
      files: count,
      totalBytes: all.byteLength,
      everyRowHasAVerdictMs: summarise(oursShown),
      waitingOnPostApiFilesMs: summarise(apiMs),
      itemsByStatus: rowStates,
      chromiumCountersDuringDrop: metrics,
      chromium: { executablePath: LAUNCH.executablePath, args: LAUNCH.args },
      timing: 'performance.now() in the page, to the first animation frame at which the rows are complete',
    },
  };
}
