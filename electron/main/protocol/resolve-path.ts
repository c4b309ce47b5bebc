// Which file under dist/renderer an app:// URL names, if any. This is the one
// place the protocol handler turns a URL into a path, so every trick for
// escaping the renderer folder is refused here: encoded dot segments and
// slashes, backslashes, drive letters, NUL, and anything that would resolve
// outside the root. Only file types the renderer bundle contains are served.

import nodePath from 'node:path';
import { isAppUrl } from '../app-origin.ts';

/** The file types Vite emits for the renderer. Anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export type ResolvedAppPath =
  | { readonly ok: true; readonly filePath: string; readonly contentType: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

type PathApi = Pick<typeof nodePath, 'join' | 'relative' | 'isAbsolute' | 'extname' | 'sep'>;

/**
 * @param url the request URL as the protocol handler received it
 * @param root absolute path of dist/renderer
 * @param path the platform's path module (tests pass path.win32 to cover Windows)
 */
export function resolveAppPath(url: string, root: string, path: PathApi = nodePath): ResolvedAppPath {
  if (!isAppUrl(url)) return { ok: false, status: 403, reason: 'not an app:// URL on the app origin' };
  const rawPath = new URL(url).pathname;

  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (/[\u0000-\u001f\\]/.test(decoded)) {
    return { ok: false, status: 403, reason: 'control character or backslash in path' };
  }

  const segments = decoded.split('/').slice(1); // drop the empty segment before the leading '/'
  if (segments.length === 0 || segments.at(-1) === '') segments.splice(-1, 1, 'index.html');
  for (const segment of segments) {
    // '' = a doubled slash (an absolute path smuggled in); ':' = a drive letter or an NTFS stream.
    if (segment === '' || segment === '.' || segment === '..' || segment.includes(':')) {
      return { ok: false, status: 403, reason: 'path escapes or is not relative to the app root' };
    }
  }

  const filePath = path.join(root, ...segments);
  const relative = path.relative(root, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { ok: false, status: 403, reason: 'path resolves outside the app root' };
  }

  const contentType = CONTENT_TYPES[path.extname(filePath).toLowerCase()];
  if (contentType === undefined) return { ok: false, status: 404, reason: 'not a file type the app serves' };
  return { ok: true, filePath, contentType };
}
