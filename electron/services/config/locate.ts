// Where the configuration file lives: $ERS_ATTACH_CONFIG, else the per-user
// application config folder (the same folder Electron calls appData).

import { homedir } from 'node:os';
import { join, isAbsolute } from 'node:path';

export const CONFIG_ENV_VAR = 'ERS_ATTACH_CONFIG';
export const APP_FOLDER = 'ers-attach';
export const CONFIG_FILE_NAME = 'config.json';

export interface PlaceFacts {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

export interface ConfigLocation {
  readonly path: string;
  /** True when ERS_ATTACH_CONFIG named it: then it must exist. */
  readonly explicit: boolean;
}

export function currentPlace(): PlaceFacts {
  return { env: process.env, platform: process.platform, home: homedir() };
}

/** The per-user config folder for this OS. */
export function appConfigDir(place: PlaceFacts): string {
  const { env, platform, home } = place;
  if (platform === 'win32') {
    const appData = env['APPDATA'];
    return join(appData !== undefined && appData !== '' ? appData : join(home, 'AppData', 'Roaming'), APP_FOLDER);
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  // XDG base directories: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config'), APP_FOLDER);
}

export function locateConfigFile(place: PlaceFacts = currentPlace()): ConfigLocation {
  const named = place.env[CONFIG_ENV_VAR];
  if (named !== undefined && named.trim() !== '') return { path: named, explicit: true };
  return { path: join(appConfigDir(place), CONFIG_FILE_NAME), explicit: false };
}
