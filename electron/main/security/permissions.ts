// ers-attach needs no browser permission (camera, notifications, clipboard
// read, geolocation, HID, serial...), and Electron grants them by default, so
// every request and every check is answered no.

/** The part of Electron's Session this module needs. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

export function denyAllPermissions(session: PermissionSession, log?: (line: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log?.(`permission refused: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
