import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is a native addon compiled for one ABI. node_modules holds the build for Node (tests,
 * CLI, browser mode); Electron needs a build for its own ABI. Rebuilding node_modules in place would
 * break whichever runtime ran second, so the Electron build lives apart, in
 * out/native/electron-<version>-<platform>-<arch>/, and the shell passes its path to better-sqlite3
 * (the `nativeBinding` option). launcher.ts prepares it for `npm start`; before-build.cjs for packaging.
 */
export interface NativeTarget {
  electronVersion: string;
  platform: string;
  arch: string;
  /** The better-sqlite3 JavaScript the addon must match (the version in node_modules). */
  betterSqliteVersion: string;
}

export const NATIVE_DIR = path.join('out', 'native');

export function nativeBuildDir(appRoot: string, target: NativeTarget): string {
  return path.join(
    appRoot,
    NATIVE_DIR,
    `electron-${target.electronVersion}-${target.platform}-${target.arch}`,
  );
}

/** Where a build copy of better-sqlite3 sits inside the build folder (electron-rebuild needs node_modules/). */
export function betterSqliteCopyDir(buildDir: string): string {
  return path.join(buildDir, 'node_modules', 'better-sqlite3');
}

export function nativeBindingFile(buildDir: string): string {
  return path.join(betterSqliteCopyDir(buildDir), 'build', 'Release', 'better_sqlite3.node');
}

/** Records what a build was made for, so an upgrade of Electron or better-sqlite3 triggers a rebuild. */
export function stampFile(buildDir: string): string {
  return path.join(buildDir, 'build-stamp.json');
}

export function stampFor(target: NativeTarget): string {
  return JSON.stringify(target);
}

/**
 * In a packaged app the code runs from app.asar, but a native addon can only be loaded from the
 * unpacked copy electron-builder puts next to it (asarUnpack).
 */
export function unpackedAppRoot(appPath: string): string {
  return appPath.replace(/\.asar$/, '.asar.unpacked');
}

export class NativeBindingError extends Error {
  override name = 'NativeBindingError';
}

/**
 * The path of the Electron build of better-sqlite3 for `target`, or a NativeBindingError saying what to
 * do. `checkStamp` is off in a packaged app, which ships the addon without the stamp.
 */
export function resolveNativeBinding(appRoot: string, target: NativeTarget, checkStamp: boolean): string {
  const buildDir = nativeBuildDir(appRoot, target);
  const file = nativeBindingFile(buildDir);
  if (!existsSync(file)) {
    throw new NativeBindingError(
      `DermaQuant's database library (better-sqlite3) has no build for Electron ${target.electronVersion} ` +
        `(${target.platform}-${target.arch}); expected ${file}. Start DermaQuant with \`npm start\`, which builds it.`,
    );
  }
  if (checkStamp && !isBuildCurrent(buildDir, target)) {
    throw new NativeBindingError(
      `The Electron build of better-sqlite3 in ${buildDir} was made for another version of Electron or ` +
        `better-sqlite3. Run \`npm start\` to rebuild it.`,
    );
  }
  return file;
}

export function isBuildCurrent(buildDir: string, target: NativeTarget): boolean {
  try {
    return readFileSync(stampFile(buildDir), 'utf8') === stampFor(target);
  } catch {
    return false;
  }
}

/** The version field of an installed package (read from its package.json under `nodeModules`). */
export function installedVersion(nodeModules: string, name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(nodeModules, name, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string') throw new Error(`${name}/package.json has no version`);
  return pkg.version;
}
