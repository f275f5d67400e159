import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateElectronBinary } from '../../main/electron/electron-binary';
import { installedVersion } from '../../main/electron/native-binding';
import { prepareNativeBinding } from '../../main/electron/native-build';
import { repoRoot } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

// The real desktop app through Playwright's Electron driver. The Electron binary is downloaded from
// GitHub when electron is installed; where that was impossible (as on the build machines) these tests
// are skipped, loudly, and a skip is not a pass: the shell's wiring is covered by the mocked-electron
// unit tests (tests/unit/electron-*.test.ts) and the UI by the browser-mode e2e tests.
const electron = locateElectronBinary(path.join(repoRoot, 'node_modules', 'electron'));
if (!electron.found) {
  console.warn(`[electron smoke] SKIPPED: ${electron.reason}. Install the binary to run these tests.`);
}

interface Bridge {
  invoke(method: string, input?: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}
// Functions passed to page.evaluate run in the page, so each reaches the bridge itself (no closures).
type WithBridge = Window & { dermaquant: Bridge };

describe.skipIf(!electron.found)('Electron app (Playwright _electron)', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    const nodeModules = path.join(repoRoot, 'node_modules');
    await prepareNativeBinding(
      repoRoot,
      {
        electronVersion: installedVersion(nodeModules, 'electron'),
        platform: process.platform,
        arch: process.arch,
        betterSqliteVersion: installedVersion(nodeModules, 'better-sqlite3'),
      },
      (line) => console.log(line),
    );
    const args = [repoRoot, `--user-data-dir=${makeTempDir('dq-electron-profile-')}`];
    // Chromium refuses to run as root with its sandbox on (CI containers).
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    app = await _electron.launch({
      executablePath: electron.found ? electron.path : '',
      args,
      cwd: repoRoot,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the UI from the app origin', async () => {
    expect(page.url()).toBe('app://dermaquant/index.html');
    await expect(page.title()).resolves.toMatch(/DermaQuant/);
  });

  it('gives the page the preload bridge and nothing of Node', async () => {
    expect(
      await page.evaluate(() => Object.keys((window as unknown as WithBridge).dermaquant).sort()),
    ).toEqual(['invoke', 'on']);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const answer = await page.evaluate(() =>
      (window as unknown as WithBridge).dermaquant.invoke('getStudy', {}),
    );
    expect(answer).toMatchObject({ ok: true });
    const refused = await page.evaluate(() =>
      (window as unknown as WithBridge).dermaquant.invoke('openStudy', '/'),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses window.open and navigation away from the app', async () => {
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://dermaquant/index.html');
    expect(app.windows()).toHaveLength(1);
  });
});
