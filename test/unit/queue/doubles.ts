// Small doubles of what the queue talks to: a clock driven by hand, files in
// memory, an uploader whose every call the test answers, and a session gate.

import { createHash } from 'node:crypto';
import type { Clock } from '../../../electron/services/queue/clock.ts';
import {
  FileUnreadableError,
  type AttemptResult,
  type CheckedFileLike,
  type FileSource,
  type UploadGate,
  type Uploader,
  type UploadRequest,
} from '../../../electron/services/queue/ports.ts';
import type { Verdict } from '../../../shared/rules/types.ts';

interface Timer {
  at: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  t = 1_000_000;
  private timers: Timer[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
  pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves time forward, firing timers in order and letting promise chains run between them. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.resolve();
    }
    this.t = target;
    await settle();
  }
}

/** Lets every pending promise chain (and setImmediate callbacks) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function okVerdict(name: string): Verdict {
  return { ok: true, problems: [], storedName: name, nameChange: null, mimeType: 'application/pdf', typeId: 'pdf' };
}

export function badVerdict(name: string): Verdict {
  return {
    ok: false,
    problems: [{ rule: 'size-not-empty', code: 'FILE_SIZE_ERROR', message: `${name} is empty` }],
    storedName: name,
    nameChange: null,
    mimeType: 'application/pdf',
    typeId: 'pdf',
  };
}

export class MemoryFiles implements FileSource {
  readonly files = new Map<string, { name: string; bytes: Uint8Array; verdict: Verdict; mtimeMs: number; unreadable?: string }>();
  readonly reads: string[] = [];
  readonly removed: string[] = [];
  put(ref: string, name: string, text: string, verdict: Verdict = okVerdict(name)) {
    this.files.set(ref, { name, bytes: new TextEncoder().encode(text), verdict, mtimeMs: 1000 });
  }
  /** Changes the content on "disk". */
  rewrite(ref: string, text: string) {
    const f = this.files.get(ref)!;
    f.bytes = new TextEncoder().encode(text);
    f.mtimeMs += 1;
  }
  async readAndCheck(ref: string): Promise<CheckedFileLike> {
    this.reads.push(ref);
    const f = this.files.get(ref);
    if (!f) throw new FileUnreadableError(`${ref} has been moved or deleted`);
    if (f.unreadable) throw new FileUnreadableError(f.unreadable);
    return {
      name: f.name,
      bytes: f.bytes,
      size: f.bytes.length,
      sha256: sha256(f.bytes),
      look: { format: 'pdf', label: 'PDF document', complete: true },
      verdict: f.verdict,
      mtimeMs: f.mtimeMs,
    };
  }
  remove(ref: string) {
    this.removed.push(ref);
  }
}

export interface Call {
  readonly request: UploadRequest;
  readonly text: string;
  answer(result: AttemptResult): void;
  /** Reports the whole body as sent. */
  sendBody(): void;
}

/** Every call waits until the test answers it; an abort answers it as aborted. */
export class ManualUploader {
  readonly calls: Call[] = [];
  readonly upload: Uploader = (request) =>
    new Promise<AttemptResult>((resolve) => {
      let bodySent = false;
      request.signal.addEventListener('abort', () => resolve({ ok: false, failure: { kind: 'aborted', bodySent } }), { once: true });
      this.calls.push({
        request,
        text: new TextDecoder().decode(request.bytes),
        answer: resolve,
        sendBody: () => {
          bodySent = true;
          request.onProgress(request.bytes.length, request.bytes.length);
        },
      });
    });
  /**
   * Resolves once `count` calls have been made. The queue writes its file before each upload
   * (write-ahead), so with a real store a call comes after disk I/O, not after a few ticks.
   */
  async waitForCalls(count: number, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (this.calls.length < count) {
      if (Date.now() > end) throw new Error(`expected ${count} upload calls, saw ${this.calls.length}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  /** Calls not yet answered (an answered promise ignores later answers, so track by index). */
  last(): Call {
    const call = this.calls.at(-1);
    if (!call) throw new Error('no upload call yet');
    return call;
  }
}

export const ok = (fileId: string): AttemptResult => ({ ok: true, fileId });
export const retryable = (status: number | null, retryAfterMs: number | null = null, outcomeUnknown = false): AttemptResult => ({
  ok: false,
  failure: { kind: 'retryable', status, retryAfterMs, outcomeUnknown, detail: 'test' },
});

export class FakeGate implements UploadGate {
  open = true;
  private listeners = new Set<() => void>();
  isOpen() {
    return this.open;
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(open: boolean) {
    this.open = open;
    for (const l of this.listeners) l();
  }
}
