// The few browser globals that code passed to page.evaluate() uses. The e2e
// tsconfig cannot take the whole DOM lib: its CryptoKey types clash with the
// Node-side sandbox and backend the fixtures import.
export {};

declare global {
  class DataTransfer {
    readonly items: { add(file: File): unknown };
    setData(format: string, data: string): void;
  }
  class DragEvent extends Event {
    constructor(type: string, init: EventInit & { dataTransfer?: DataTransfer });
  }
  const document: { readonly activeElement: unknown };
  interface Navigator {
    readonly clipboard: { readText(): Promise<string> };
  }
  function getComputedStyle(element: unknown): { readonly outlineStyle: string; readonly boxShadow: string };
}
