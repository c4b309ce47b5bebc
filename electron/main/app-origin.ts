// Where the UI lives. The renderer is served from a custom privileged scheme
// (not file://), so it has a real origin that the IPC sender check, the CSP
// and the navigation rules can all name exactly.

export const APP_SCHEME = 'app';
export const APP_HOST = 'ers-attach';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged. `standard` gives the
 * scheme a proper origin (so 'self' in the CSP means this app and relative
 * URLs resolve); `secure` lets the page count as a secure context;
 * `supportFetchAPI` and `corsEnabled` let Vite's module scripts load.
 * Nothing here bypasses the CSP.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const;

/**
 * True when `url` is a URL on this app's origin: scheme `app:`, host exactly
 * `ers-attach`, no port, no credentials. Parsed with the WHATWG URL parser, so
 * look-alikes such as `app://ers-attach.evil/` or `app://ers-attach@evil/` fail.
 * (URL.origin is "null" for custom schemes in Node, so the parts are compared.)
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.host === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
