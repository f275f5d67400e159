import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Find the Electron executable the way the `electron` package does (its path.txt names the file in
 * dist/), but without its side effect: requiring `electron` from Node starts a download when the
 * binary is missing, which must not happen from a test or a launcher.
 */
export function locateElectronBinary(electronPackageDir: string, env = process.env): ElectronBinary {
  const pathFile = path.join(electronPackageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      found: false,
      reason: `the Electron binary was never installed (${pathFile} is missing): its download from GitHub failed or was skipped`,
    };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(electronPackageDir, 'dist');
  const binary = path.join(distDir, relative);
  return existsSync(binary)
    ? { found: true, path: binary }
    : { found: false, reason: `the Electron binary ${binary} does not exist` };
}

export const ELECTRON_INSTALL_HINT =
  'Install it with internet access: `node node_modules/electron/install.js`, then run `npm start` again. ' +
  'Browser mode works without Electron: `npm run web -- --study DIR`.';
