// What electron-builder would put in the app, computed with electron-builder's
// own code rather than a re-implementation of its glob rules: its config
// loader (YAML, `extends`, files merging) and its FileMatcher with the default
// patterns it adds (getMainFileMatchers). getMainFileMatchers is internal to
// app-builder-lib, so its shape is declared here; if an upgrade changes it,
// these tests fail loudly rather than pass quietly.

import { createRequire } from 'node:module';
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';

const require = createRequire(import.meta.url);

interface Filter {
  (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }): boolean;
}
interface FileMatcherLike {
  readonly from: string;
  readonly patterns: readonly string[];
  createFilter(): Filter;
}
interface FileMatcherModule {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns?: readonly string[]) => FileMatcherLike;
  getMainFileMatchers(
    appDir: string,
    destination: string,
    expand: (pattern: string) => string,
    platformOptions: object,
    packager: { info: object },
    outDir: string,
    isElectronCompile: boolean,
  ): FileMatcherLike[];
  getNodeModuleFileMatcher(appDir: string, destination: string, expand: (p: string) => string, platformOptions: object, info: object): FileMatcherLike;
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Configuration>;
}

const fileMatcher = require('app-builder-lib/out/fileMatcher.js') as FileMatcherModule;
const configModule = require('app-builder-lib/out/util/config/config.js') as ConfigModule;

/** electron-builder's effective configuration from a config file (YAML, with `extends` resolved). */
export async function loadBuilderConfig(projectDir: string, configFile: string): Promise<Configuration> {
  const { log } = require('builder-util') as { log: { info: (...args: unknown[]) => void } };
  const info = log.info;
  log.info = () => {}; // "loaded configuration" lines are noise in test output
  try {
    return await configModule.getConfig(projectDir, configFile, null);
  } finally {
    log.info = info;
  }
}

const identity = (pattern: string): string => pattern;
const fileStat = { isDirectory: () => false };
const dirStat = { isDirectory: () => true };

type Platform = 'win' | 'linux' | 'mac';

/**
 * Of `files` (paths relative to projectDir, '/'-separated, outside node_modules),
 * those electron-builder would copy into the app for `platform`. A file ships
 * only if the walker would enter each of its folders and the filter accepts it.
 */
export function appFilesThatShip(projectDir: string, config: Configuration, files: readonly string[], platform: Platform): string[] {
  const info = {
    projectDir,
    buildResourcesDir: path.resolve(projectDir, config.directories?.buildResources ?? 'build'),
    config,
    isPrepackedAppAsar: false,
    debugLogger: { isEnabled: false },
  };
  const outDir = path.resolve(projectDir, config.directories?.output ?? 'dist');
  const matchers = fileMatcher.getMainFileMatchers(projectDir, '/resources/app', identity, config[platform] ?? {}, { info }, outDir, false);
  const filters = matchers.filter((matcher) => matcher.from === projectDir).map((matcher) => matcher.createFilter());
  const accepts = (relative: string): boolean => {
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = path.join(projectDir, ...parts.slice(0, depth));
      if (!filters.some((filter) => filter(folder, dirStat))) return false;
    }
    return filters.some((filter) => filter(path.join(projectDir, ...parts), fileStat));
  };
  return files.filter(accepts);
}

/**
 * Of `files` inside production node_modules (e.g. 'node_modules/zod/index.js'),
 * those that survive the exclusions electron-builder applies to node_modules.
 */
export function moduleFilesThatShip(projectDir: string, config: Configuration, files: readonly string[], platform: Platform): string[] {
  const info = { config, debugLogger: { isEnabled: false } };
  const moduleMatcher = fileMatcher.getNodeModuleFileMatcher(projectDir, '/resources/app', identity, config[platform] ?? {}, info);
  return files.filter((relative) => {
    const [, name = ''] = relative.split('/');
    const source = path.join(projectDir, 'node_modules', name);
    // NodeModuleCopyHelper builds one matcher per module with the same patterns and tests the module-relative path.
    const matcher = new fileMatcher.FileMatcher(source, '/resources/app/node_modules', identity, moduleMatcher.patterns);
    return matcher.createFilter()(path.join(projectDir, relative), { isDirectory: () => false, moduleFullFilePath: relative });
  });
}
