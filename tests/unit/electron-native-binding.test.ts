import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { locateElectronBinary } from '../../main/electron/electron-binary';
import { launch } from '../../main/electron/launcher';
import {
  installedVersion,
  nativeBindingFile,
  nativeBuildDir,
  NativeBindingError,
  resolveNativeBinding,
  stampFile,
  stampFor,
  unpackedAppRoot,
  type NativeTarget,
} from '../../main/electron/native-binding';
import { prepareNativeBinding } from '../../main/electron/native-build';
import { repoRoot } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs('dq-native-');
const target: NativeTarget = {
  electronVersion: '45.5.0',
  platform: 'linux',
  arch: 'x64',
  betterSqliteVersion: '12.1.0',
};

/** Put a (dummy) addon and optionally a stamp where the Electron build belongs. */
function placeBuild(appRoot: string, stampTarget: NativeTarget | null): string {
  const buildDir = nativeBuildDir(appRoot, target);
  const file = nativeBindingFile(buildDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'addon');
  if (stampTarget) fs.writeFileSync(stampFile(buildDir), stampFor(stampTarget));
  return file;
}

describe('Electron build of better-sqlite3: paths', () => {
  it('keeps one build per Electron version, platform and arch under out/native, apart from node_modules', () => {
    const dir = nativeBuildDir('/app', target);
    expect(dir).toBe(path.join('/app', 'out', 'native', 'electron-45.5.0-linux-x64'));
    const file = nativeBindingFile(dir);
    expect(file).toBe(
      path.join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    );
    expect(file.startsWith(path.join('/app', 'node_modules'))).toBe(false);
    expect(nativeBuildDir('/app', { ...target, arch: 'arm64' })).not.toBe(dir);
    expect(nativeBuildDir('/app', { ...target, electronVersion: '46.0.0' })).not.toBe(dir);
  });

  it('loads the addon of a packaged app from the unpacked copy of app.asar', () => {
    expect(unpackedAppRoot('/opt/DermaQuant/resources/app.asar')).toBe(
      '/opt/DermaQuant/resources/app.asar.unpacked',
    );
    expect(unpackedAppRoot('/home/me/dermaquant')).toBe('/home/me/dermaquant');
  });

  it('reads installed versions from package.json', () => {
    const version = installedVersion(path.join(repoRoot, 'node_modules'), 'better-sqlite3');
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('resolveNativeBinding', () => {
  it('returns the addon path when the build exists and its stamp matches', () => {
    const appRoot = tempDir();
    const file = placeBuild(appRoot, target);
    expect(resolveNativeBinding(appRoot, target, true)).toBe(file);
  });

  it('says to run npm start when the build is missing', () => {
    const appRoot = tempDir();
    expect(() => resolveNativeBinding(appRoot, target, true)).toThrow(NativeBindingError);
    expect(() => resolveNativeBinding(appRoot, target, true)).toThrow(/Electron 45\.5\.0.*npm start/s);
  });

  it('refuses a build made for another better-sqlite3 version, except in a packaged app (no stamp shipped)', () => {
    const appRoot = tempDir();
    const file = placeBuild(appRoot, { ...target, betterSqliteVersion: '11.0.0' });
    expect(() => resolveNativeBinding(appRoot, target, true)).toThrow(/another version.*npm start/s);
    expect(resolveNativeBinding(appRoot, target, false)).toBe(file);
  });
});

describe('prepareNativeBinding', () => {
  it('reuses a current build without rebuilding (and without touching node_modules)', async () => {
    const appRoot = tempDir();
    const file = placeBuild(appRoot, target);
    const lines: string[] = [];
    await expect(prepareNativeBinding(appRoot, target, (line) => lines.push(line))).resolves.toBe(file);
    expect(lines).toEqual([]);
    expect(fs.existsSync(path.join(appRoot, 'node_modules'))).toBe(false);
  });
});

describe('locateElectronBinary (never triggers the electron package download)', () => {
  it('reports a missing path.txt as "never installed"', () => {
    const dir = tempDir();
    const result = locateElectronBinary(dir, {});
    expect(result).toEqual({ found: false, reason: expect.stringMatching(/never installed/) });
  });

  it('reports a path.txt whose binary is missing', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
    expect(locateElectronBinary(dir, {})).toEqual({
      found: false,
      reason: expect.stringMatching(/does not exist/),
    });
  });

  it('finds dist/<path.txt>, or the override folder when ELECTRON_OVERRIDE_DIST_PATH is set', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'electron'), '');
    expect(locateElectronBinary(dir, {})).toEqual({ found: true, path: path.join(dir, 'dist', 'electron') });
    const override = tempDir();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(locateElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({
      found: true,
      path: path.join(override, 'electron'),
    });
  });
});

describe('launch (npm start)', () => {
  it('without the Electron binary, explains how to get it and points to browser mode, exit code 1', async () => {
    const appRoot = tempDir();
    fs.mkdirSync(path.join(appRoot, 'node_modules', 'electron'), { recursive: true });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(launch(appRoot, [])).resolves.toBe(1);
      const said = stderr.mock.calls.map((call) => String(call[0])).join('');
      expect(said).toMatch(/downloading it once/);
      expect(said).toMatch(/Cannot start the desktop app: the Electron binary was never installed/);
      expect(said).toMatch(/node node_modules\/electron\/install\.js/);
      expect(said).toMatch(/npm run web -- --study DIR/);
    } finally {
      stderr.mockRestore();
    }
    expect(fs.existsSync(path.join(appRoot, 'out'))).toBe(false);
  });

  it('runs the electron package installer once when the binary is missing', async () => {
    const appRoot = tempDir();
    const electronDir = path.join(appRoot, 'node_modules', 'electron');
    fs.mkdirSync(electronDir, { recursive: true });
    // A stand-in for electron's install.js that only records that it ran (the real one downloads).
    fs.writeFileSync(
      path.join(electronDir, 'install.js'),
      "require('fs').writeFileSync(require('path').join(__dirname, 'installer-ran'), 'yes');\n",
    );
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(launch(appRoot, [])).resolves.toBe(1);
    } finally {
      stderr.mockRestore();
    }
    expect(fs.readFileSync(path.join(electronDir, 'installer-ran'), 'utf8')).toBe('yes');
  });
});
