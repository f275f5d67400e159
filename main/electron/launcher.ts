/**
 * `npm start` (through launch.mjs, after `npm run build`): make sure there is an Electron build of
 * better-sqlite3, then start Electron on this app. Also used by electron-builder's beforeBuild hook.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ELECTRON_INSTALL_HINT, locateElectronBinary } from './electron-binary';
import { installedVersion, NativeBindingError, type NativeTarget } from './native-binding';
import { prepareNativeBinding } from './native-build';

const log = (line: string): void => void process.stderr.write(`[dermaquant] ${line}\n`);

function nativeTarget(
  appRoot: string,
  platform: string,
  arch: string,
  electronVersion?: string,
): NativeTarget {
  const nodeModules = path.join(appRoot, 'node_modules');
  return {
    electronVersion: electronVersion ?? installedVersion(nodeModules, 'electron'),
    platform,
    arch,
    betterSqliteVersion: installedVersion(nodeModules, 'better-sqlite3'),
  };
}

/**
 * The electron package fetches its binary on first use, not at `npm install` (whose dependency scripts
 * npm may skip). Run its installer once when the binary is missing, so `npm start` works on a machine
 * with internet access; offline it fails at once and the caller explains what to do.
 */
function installElectronBinary(electronDir: string): void {
  log('The Electron binary is not installed yet: downloading it once (node_modules/electron/install.js).');
  spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit', cwd: electronDir });
}

/** Build (if needed) and start. Resolves with the exit code the launcher should exit with. */
export async function launch(appRoot: string, args: string[]): Promise<number> {
  const electronDir = path.join(appRoot, 'node_modules', 'electron');
  let electron = locateElectronBinary(electronDir);
  if (!electron.found) {
    installElectronBinary(electronDir);
    electron = locateElectronBinary(electronDir);
  }
  if (!electron.found) {
    log(`Cannot start the desktop app: ${electron.reason}. ${ELECTRON_INSTALL_HINT}`);
    return 1;
  }
  try {
    await prepareNativeBinding(appRoot, nativeTarget(appRoot, process.platform, process.arch), log);
  } catch (err) {
    log(err instanceof NativeBindingError ? err.message : `Preparing better-sqlite3 failed: ${String(err)}`);
    return 1;
  }
  const child = spawn(electron.path, [appRoot, ...args], { stdio: 'inherit', cwd: appRoot });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', (err) => {
      log(`Electron failed to start: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** electron-builder's beforeBuild context (only the fields used). */
export interface BeforeBuildContext {
  appDir: string;
  electronVersion: string;
  platform: { nodeName: string };
  arch: string;
}

/**
 * Prepare the addon for the platform being packaged. Resolving false tells electron-builder not to
 * rebuild node_modules in place, which would leave the Node tests with an Electron build.
 */
export async function beforeBuild(context: BeforeBuildContext): Promise<false> {
  const target = nativeTarget(
    context.appDir,
    context.platform.nodeName,
    context.arch,
    context.electronVersion,
  );
  await prepareNativeBinding(context.appDir, target, log);
  return false;
}
