// The renderer's Content-Security-Policy, in one place: the build writes it
// into index.html and the browser preview also sends it as a header (the
// Electron glue may send it too). Everything the page needs comes from its own
// origin: no inline script or style, no eval, no remote fonts, no framing.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For the HTTP header (the browser preview). */
export const RENDERER_CSP = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** For the <meta> in index.html, where browsers ignore frame-ancestors (and warn about it). */
export const RENDERER_CSP_META = DIRECTIVES.join('; ');
