// The few page globals the Electron tests' page.evaluate() callbacks use,
// typed locally (callbacks cast globalThis to this) because this tsconfig
// cannot take the DOM lib: its CryptoKey types clash with the Node-side
// sandbox and backend the shared e2e fixtures import.

export interface PageInput {
  type: string;
  multiple: boolean;
  id: string;
  hidden: boolean;
  readonly files: ArrayLike<File> | null;
  remove(): void;
}

export interface PageWorld {
  readonly document: {
    createElement(tag: 'input'): PageInput;
    getElementById(id: string): PageInput | null;
    readonly body: { append(node: PageInput): void; readonly innerText: string };
  };
  readonly ers: Record<string, unknown>;
  readonly location: { href: string };
  open(url: string): unknown;
  dispatchEvent(event: Event): boolean;
  readonly require?: unknown;
  readonly process?: unknown;
}
