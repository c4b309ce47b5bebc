// Child process for the memory figure: the main-process services alone (no
// sandbox: that runs elsewhere), signed in, idling, then uploading. Run with
// --expose-gc so idle is measured after a full collection.

import { resourceUsage } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAndUpload, signIn } from './lib/client-path.ts';
import { MemoryJob, type MemoryAnswer } from './lib/memory-messages.ts';

const say = (answer: MemoryAnswer): void => void process.send?.(answer);
const gc = (globalThis as { gc?: () => void }).gc;

async function measure(job: MemoryJob): Promise<MemoryAnswer> {
  if (gc === undefined) throw new Error('run the memory child with --expose-gc');
  const session = await signIn(job.endpoint, job.pki);
  gc();
  await sleep(200);
  const idle: number[] = [];
  let heapIdle = 0;
  for (let i = 0; i < 20; i++) {
    const m = process.memoryUsage();
    idle.push(m.rss);
    heapIdle = m.heapUsed;
    await sleep(50);
  }
  idle.sort((a, b) => a - b);
  const idleBytes = idle[idle.length >> 1]!;
  const highWaterBefore = resourceUsage().maxRSS * 1024;

  let peak = 0;
  let heapPeak = 0;
  let externalPeak = 0;
  let samples = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    samples++;
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
    externalPeak = Math.max(externalPeak, m.external + m.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  const outcomes = await checkAndUpload(session, job.paths, job.concurrency);
  clearInterval(timer);
  sample();
  // The kernel's high-water mark catches a peak between samples, if it rose above where it stood before uploading.
  const highWaterAfter = resourceUsage().maxRSS * 1024;
  if (highWaterAfter > highWaterBefore) peak = Math.max(peak, highWaterAfter);
  session.connection.transport.close();
  return {
    type: 'result',
    idleBytes,
    peakBytes: peak,
    samples,
    uploaded: outcomes.length,
    heapUsedIdleBytes: heapIdle,
    heapUsedPeakBytes: heapPeak,
    externalPeakBytes: externalPeak,
  };
}

process.once('message', (raw: unknown) => {
  measure(MemoryJob.parse(raw))
    .then(say, (error: unknown) => say({ type: 'error', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => process.disconnect());
});
