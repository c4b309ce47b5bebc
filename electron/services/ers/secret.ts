// A string that must never be printed: the session key, the SSO token.
//
// It shows as "[session key]" in console.log, util.inspect, JSON.stringify,
// template strings and structuredClone, so a stray log line or an object
// sent over IPC cannot carry it. Only reveal() gives the value, at the one
// place it goes on the wire.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;
  readonly #label: string;

  constructor(value: string, label: string) {
    this.#value = value;
    this.#label = label;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[${this.#label}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [INSPECT](): string {
    return this.toString();
  }
}
