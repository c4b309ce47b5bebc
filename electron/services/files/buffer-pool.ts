// Large reads go into a few reusable buffers, one per upload slot, instead of
// a fresh 5 MB allocation per file: V8 frees ArrayBuffer memory only once
// tens of MB of it have piled up, so fresh buffers made memory climb by
// several files' worth during a batch upload.
//
// A buffer is lent out with a lease; it goes back only when that lease is
// released (after the send that uses it has ended), at most once. When every
// buffer is out there is no lease, and the caller allocates as it did before
// the pool existed, so a caller that never releases loses nothing.

export interface BufferLease {
  /** The lent buffer: `capacity` bytes, of which the borrower uses a prefix. */
  readonly bytes: Uint8Array;
  /** Give the buffer back. Only the first call counts; later ones do nothing. */
  release(): void;
}

export class BufferPool {
  readonly capacity: number;
  readonly #slots: number;
  readonly #free: Uint8Array[] = [];
  #made = 0;

  constructor(capacity: number, slots: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a whole number of at least 1');
    if (!Number.isInteger(slots) || slots < 0) throw new RangeError('slots must be a whole number');
    this.capacity = capacity;
    this.#slots = slots;
  }

  /** Buffers lent out or waiting, that the pool made. */
  get made(): number {
    return this.#made;
  }

  /** Buffers waiting to be lent. */
  get idle(): number {
    return this.#free.length;
  }

  /** A buffer no one else holds, or null when every one is lent out. */
  tryAcquire(): BufferLease | null {
    let bytes = this.#free.pop();
    if (bytes === undefined && this.#made < this.#slots) {
      bytes = new Uint8Array(this.capacity);
      this.#made++;
    }
    if (bytes === undefined) return null;
    const lent = bytes;
    let released = false;
    return {
      bytes: lent,
      release: () => {
        if (released) return;
        released = true;
        this.#free.push(lent);
      },
    };
  }
}
