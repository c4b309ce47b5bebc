// Browser permissions. Electron grants them by default; ers-attach needs one:
// writing text to the clipboard, for the "Copy" button beside an e-RS file id
// (Chromium's sanitised write, so only plain data, and only from the app's own
// page). Everything else (camera, microphone, notifications, clipboard read,
// geolocation, HID, serial, USB, file system...) is refused, requested or checked.

import { isAppUrl } from '../app-origin.ts';

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Whether `permission` may be granted to a request from `requestingUrl` (a page URL or an origin). */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && typeof requestingUrl === 'string' && isAppUrl(requestingUrl);
}

/** The part of Electron's Session this module needs. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

export function applyPermissionPolicy(session: PermissionSession, log?: (line: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isPermissionAllowed(permission, details?.requestingUrl);
    if (!granted) log?.(`permission refused: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
