// Fault injection: a test chooses how the next requests to an operation go wrong,
// so the client's handling of each failure can be shown, deterministically.

export type SandboxOperation = 'identity-challenge' | 'identity-token' | 'A001' | 'A002' | 'A003' | 'A020' | 'A006';

export type FaultKind =
  /** Read this many bytes of the request body (or fewer, if that is all there is), then reset the connection. Nothing is stored. */
  | { readonly kind: 'reset-mid-body'; readonly afterBytes: number }
  /**
   * Answer with this status instead of handling the request (nothing stored). 503 carries an OperationOutcome
   * SYSTEM_UNAVAILABLE; 429 an empty body, as STU3 gateways send; the others an empty body too.
   */
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 504; readonly retryAfterSeconds?: number }
  /**
   * Read the whole request, wait this long, then handle it and answer. If the client has gone away by then the
   * request is dropped unhandled (nothing stored), as a server notices a closed connection before committing.
   */
  | { readonly kind: 'delay'; readonly ms: number }
  /** The request's session ends now: this request and every later one with its key get 401 NO_ACCESS. */
  | { readonly kind: 'expire-session' }
  /** Handle the request fully (an upload is stored), then destroy the connection without answering. */
  | { readonly kind: 'lose-answer' };

/** A fault for the next `times` (default 1) requests to `operation` (default 'A020'). */
export type Fault = FaultKind & { readonly operation?: SandboxOperation; readonly times?: number };

export interface InjectedFault {
  readonly operation: SandboxOperation;
  readonly fault: FaultKind;
  readonly path: string;
  readonly at: number;
}

export interface RandomFaults {
  /** Probability (0..1) that a matching request gets a fault. */
  readonly rate: number;
  /** Same seed, same sequence of faults for the same sequence of requests. */
  readonly seed: number;
  /** Picked from uniformly. */
  readonly kinds: readonly FaultKind[];
  /** Default ['A020']. */
  readonly operations?: readonly SandboxOperation[];
}

export interface SandboxFaults {
  add(fault: Fault): void;
  /** Removes queued faults and stops random mode. */
  clear(): void;
  /** From now on, after any queued faults, inject faults at random (seeded). */
  random(options: RandomFaults): void;
  /** Every fault injected so far, in order (so a soak test can reconcile what it saw). */
  readonly injected: readonly InjectedFault[];
}

/** mulberry32: a tiny, well-distributed seeded PRNG; deterministic across runs and platforms. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validate(f: FaultKind): void {
  const bad = (what: string): never => {
    throw new RangeError(`Invalid ${f.kind} fault: ${what}`);
  };
  if (f.kind === 'reset-mid-body' && !(Number.isInteger(f.afterBytes) && f.afterBytes >= 0)) bad('afterBytes must be a whole number >= 0');
  if (f.kind === 'delay' && !(Number.isFinite(f.ms) && f.ms >= 0)) bad('ms must be >= 0');
  if (f.kind === 'status' && f.retryAfterSeconds !== undefined && !(Number.isInteger(f.retryAfterSeconds) && f.retryAfterSeconds >= 0)) {
    bad('retryAfterSeconds must be a whole number >= 0');
  }
}

function kindOnly(f: Fault): FaultKind {
  const { operation: _op, times: _times, ...kind } = f;
  return kind as FaultKind;
}

export class FaultInjector implements SandboxFaults {
  #queue: Array<{ operation: SandboxOperation; fault: FaultKind; remaining: number }> = [];
  #random: { options: RandomFaults; next: () => number } | null = null;
  readonly injected: InjectedFault[] = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new RangeError('times must be a whole number > 0 (or Infinity)');
    const kind = kindOnly(fault);
    validate(kind);
    this.#queue.push({ operation: fault.operation ?? 'A020', fault: kind, remaining: times });
  }

  clear(): void {
    this.#queue = [];
    this.#random = null;
  }

  random(options: RandomFaults): void {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError('rate must be between 0 and 1');
    if (options.kinds.length === 0) throw new RangeError('kinds must not be empty');
    options.kinds.forEach(validate);
    this.#random = { options, next: seededRandom(options.seed) };
  }

  /** The fault for this request, if any (consumes one use of a queued fault). */
  take(operation: SandboxOperation, path: string): FaultKind | undefined {
    const queued = this.#queue.find((q) => q.operation === operation);
    let fault: FaultKind | undefined;
    if (queued) {
      fault = queued.fault;
      queued.remaining -= 1;
      if (queued.remaining <= 0) this.#queue.splice(this.#queue.indexOf(queued), 1);
    } else if (this.#random && (this.#random.options.operations ?? ['A020']).includes(operation)) {
      const { options, next } = this.#random;
      // Two draws per request whatever the outcome, so the sequence depends only on the request count.
      const hit = next() < options.rate;
      const pick = options.kinds[Math.floor(next() * options.kinds.length)];
      if (hit) fault = pick;
    }
    if (fault) this.injected.push({ operation, fault, path, at: Date.now() });
    return fault;
  }
}
