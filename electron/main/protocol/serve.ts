// The app:// request handler, as a plain function from Request to Response so
// it runs (and is tested) under Node; the glue hands it to protocol.handle.
// Every response, errors included, carries the security headers.

import { securityHeaders } from '../csp.ts';
import { resolveAppPath } from './resolve-path.ts';

export interface AppRequestHandlerOptions {
  /** Absolute path of the built renderer (dist/renderer). */
  readonly root: string;
  /** Reads a whole file (Electron's fs reads inside app.asar transparently). */
  readonly readFile: (filePath: string) => Promise<Uint8Array>;
  readonly log?: (line: string) => void;
}

export function createAppRequestHandler(options: AppRequestHandlerOptions): (request: Request) => Promise<Response> {
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');

    const resolved = resolveAppPath(request.url, options.root);
    if (!resolved.ok) {
      options.log?.(`app:// refused (${resolved.status}): ${resolved.reason}`);
      return refuse(resolved.status, resolved.status === 404 ? 'Not found' : 'Refused');
    }

    let bytes: Uint8Array;
    try {
      bytes = await options.readFile(resolved.filePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return refuse(404, 'Not found');
      options.log?.(`app:// could not read a renderer file: ${code ?? 'unknown error'}`);
      return refuse(500, 'Could not read the file');
    }
    const headers = { ...securityHeaders(), 'Content-Type': resolved.contentType };
    return new Response(request.method === 'HEAD' ? null : bytes, { status: 200, headers });
  };
}
