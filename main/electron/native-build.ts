import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  betterSqliteCopyDir,
  isBuildCurrent,
  nativeBindingFile,
  nativeBuildDir,
  NativeBindingError,
  stampFile,
  stampFor,
  type NativeTarget,
} from './native-binding';

/** Files of the better-sqlite3 package a build needs; its own Node build (build/) is left behind. */
function isNeededForBuild(source: string, packageDir: string): boolean {
  const relative = path.relative(packageDir, source);
  return relative !== 'build' && !relative.startsWith(`build${path.sep}`);
}

/**
 * Make (or reuse) the Electron build of better-sqlite3 for `target` and return the .node path. A copy
 * of the package is rebuilt by @electron/rebuild (a prebuilt binary from GitHub through
 * prebuild-install, or a compile against Electron's headers), so node_modules keeps its Node build.
 */
export async function prepareNativeBinding(
  appRoot: string,
  target: NativeTarget,
  log: (line: string) => void,
): Promise<string> {
  const buildDir = nativeBuildDir(appRoot, target);
  const file = nativeBindingFile(buildDir);
  if (existsSync(file) && isBuildCurrent(buildDir, target)) return file;

  log(
    `Preparing better-sqlite3 for Electron ${target.electronVersion} (${target.platform}-${target.arch}) in ${buildDir}`,
  );
  const sourceDir = path.join(appRoot, 'node_modules', 'better-sqlite3');
  const copyDir = betterSqliteCopyDir(buildDir);
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(copyDir, { recursive: true });
  cpSync(sourceDir, copyDir, { recursive: true, filter: (source) => isNeededForBuild(source, sourceDir) });
  // @electron/rebuild walks the dependencies of the package.json in its buildPath.
  writeFileSync(
    path.join(buildDir, 'package.json'),
    JSON.stringify({
      name: 'dermaquant-native',
      private: true,
      dependencies: { 'better-sqlite3': target.betterSqliteVersion },
    }),
  );

  // The programmatic API, not the electron-rebuild CLI: the CLI takes the project root from the nearest
  // lockfile (this repository), then finds and rebuilds node_modules/better-sqlite3 too, in place.
  // Pinning projectRootPath to the build folder confines it to the copy.
  const rebuildOptions = {
    buildPath: buildDir,
    projectRootPath: buildDir,
    electronVersion: target.electronVersion,
    platform: target.platform,
    arch: target.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
  };
  const rebuildModule = pathToFileURL(
    path.join(appRoot, 'node_modules', '@electron', 'rebuild', 'lib', 'main.js'),
  );
  // @electron/rebuild is ESM-only; a child process keeps its output and any crash out of the launcher.
  const script = `import { rebuild } from ${JSON.stringify(rebuildModule.href)}; await rebuild(JSON.parse(process.argv[1]));`;
  const args = ['--input-type=module', '--eval', script, JSON.stringify(rebuildOptions)];
  const exitCode = await run(process.execPath, args, appRoot);
  if (exitCode !== 0 || !existsSync(file)) {
    throw new NativeBindingError(
      `Could not build better-sqlite3 for Electron ${target.electronVersion} (@electron/rebuild exited with ${exitCode}). ` +
        'It needs internet access to download a prebuilt binary or Electron headers, or else a C++ toolchain ' +
        '(Python, make, g++; on Windows the Visual Studio Build Tools). See the output above, fix the cause and ' +
        'run `npm start` again. Browser mode needs none of this: `npm run web -- --study DIR`.',
    );
  }
  writeFileSync(stampFile(buildDir), stampFor(target));
  log(`better-sqlite3 for Electron is ready: ${file}`);
  return file;
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code ?? -1));
  });
}
