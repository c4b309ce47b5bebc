// Builds the renderer (renderer/index.html) into dist/renderer.
//
// The same build is loaded by Electron from a custom app:// scheme and by the
// browser preview from http://127.0.0.1, so every URL in it is relative.
// Nothing may need 'unsafe-inline' (see renderer/content-security-policy.ts),
// so assets are never inlined as data: URLs and no inline script or style is
// emitted.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { RENDERER_CSP_META } from './renderer/content-security-policy.ts';

const rendererRoot = fileURLToPath(new URL('./renderer/', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer/', import.meta.url));

/**
 * nhsuk-frontend's compiled CSS loads the Frutiger web font from
 * assets.nhs.uk (blocked by our CSP and unavailable offline, and NHS.UK falls
 * back to Arial by design) and refers to its icons at the site root
 * (/assets/images/...). Drop the remote @font-face rules, point the icons at
 * the package's own copies so Vite bundles them beside the app, and drop the
 * `@media screen\0` blocks (an old Internet Explorer hack the CSS minifier
 * cannot parse; Chromium never applies them).
 */
function nhsukCss(): Plugin {
  return {
    name: 'ers-attach:nhsuk-css',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/].*\.css$/.test(id.split('?')[0] ?? '')) return null;
      const css = code
        .replace(/@font-face\s*\{[^}]*\}/g, '')
        .replace(/@media[^{]*\\0[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '')
        .replace(/url\(\s*["']?\/assets\/images\//g, 'url(./assets/images/');
      return { code: css, map: null };
    },
  };
}

/** Writes the CSP into the built page (the dev server injects inline scripts, so only at build). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'ers-attach:csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: rendererRoot,
  base: './',
  publicDir: false,
  plugins: [react(), nhsukCss(), contentSecurityPolicy()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2023',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
