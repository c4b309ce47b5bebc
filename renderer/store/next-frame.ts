// When to apply updates that arrive in bursts (main's events, local checks,
// answers to parts of a drop): once before the next frame is painted, so a
// burst costs one render and one layout rather than one per update.
export type Schedule = (run: () => void) => void;

/** How long to wait for a frame before running anyway (a hidden window gets no frames). */
const FRAME_FALLBACK_MS = 100;

export const beforeNextFrame: Schedule = (run) => {
  // Looked up at call time and typed here: the store is also tested under Node, which has no frames.
  const requestFrame = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame;
  if (typeof requestFrame !== 'function') {
    setTimeout(run, 0);
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    run();
  };
  requestFrame.call(globalThis, once);
  setTimeout(once, FRAME_FALLBACK_MS);
};
