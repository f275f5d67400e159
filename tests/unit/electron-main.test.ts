import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../main/electron/ipc-channels';
import { nativeBindingFile, nativeBuildDir, stampFile, stampFor } from '../../main/electron/native-binding';
import { createServices } from '../../main/services/index';
import type { Result } from '../../shared/result';
import { repoRoot } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

// main.ts against a recording stand-in for the electron module (the binary cannot run here). The services
// are real, and better-sqlite3 is loaded from the path main.ts computes for the Electron build: in this
// Node process that path holds a copy of the Node build, so the wiring can be followed end to end.
type Handler = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  const state = {
    lock: true,
    appPath: '',
    userData: '',
    appHandlers: {} as Record<string, ((...args: unknown[]) => unknown)[]>,
    ready: null as null | { promise: Promise<void>; resolve: () => void },
    windows: [] as FakeWindow[],
  };
  class FakeWindow {
    readonly webContents = { send: vi.fn(), mainFrame: { processId: 3, routingId: 1 } };
    readonly loadURL = vi.fn(async () => undefined);
    readonly focus = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      state.windows.push(this);
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
  }
  const mocks = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: vi.fn(() => state.lock),
      quit: vi.fn(),
      exit: vi.fn(),
      on: vi.fn((name: string, handler: (...args: unknown[]) => unknown) => {
        (state.appHandlers[name] ??= []).push(handler);
      }),
      whenReady: vi.fn(() => state.ready?.promise ?? Promise.resolve()),
      getAppPath: () => state.appPath,
      getPath: () => state.userData,
    },
    BrowserWindow: FakeWindow,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    ipcMain: { handle: vi.fn() },
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showMessageBox: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
  };
  return { state, mocks };
});
vi.mock('electron', () => electron.mocks);

const { state, mocks } = electron;
const tempDir = useTempDirs('dq-electron-main-');
const nodeBuild = path.join(
  repoRoot,
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
);
const betterSqliteVersion = (
  JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;

/** An app folder laid out as `npm start` leaves it, with the addon where main.ts looks for it. */
function makeAppRoot(withNativeBuild: boolean): { appRoot: string; binding: string } {
  const appRoot = tempDir();
  const pkgDir = path.join(appRoot, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ version: betterSqliteVersion }));
  // Outside Electron, process.versions.electron is undefined and main.ts names the build 'unknown'.
  const target = {
    electronVersion: 'unknown',
    platform: process.platform,
    arch: process.arch,
    betterSqliteVersion,
  };
  const buildDir = nativeBuildDir(appRoot, target);
  const binding = nativeBindingFile(buildDir);
  if (withNativeBuild) {
    fs.mkdirSync(path.dirname(binding), { recursive: true });
    fs.copyFileSync(nodeBuild, binding);
    fs.writeFileSync(stampFile(buildDir), stampFor(target));
  }
  return { appRoot, binding };
}

async function importMain(): Promise<void> {
  vi.resetModules();
  await import('../../main/electron/main');
}

function readyLatch(): () => void {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  state.ready = { promise, resolve };
  return resolve;
}

const handlersFor = (name: string) => state.appHandlers[name] ?? [];

beforeEach(() => {
  vi.clearAllMocks();
  state.appHandlers = {};
  state.windows = [];
  state.lock = true;
});

describe('Electron main process', () => {
  it('registers the privileged schemes first, and quits when another instance holds the lock', async () => {
    state.lock = false;
    readyLatch();
    await importMain();
    expect(mocks.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();
    const schemes = (
      mocks.protocol.registerSchemesAsPrivileged.mock.calls[0]?.[0] as { scheme: string }[]
    ).map((s) => s.scheme);
    expect(schemes.sort()).toEqual(['app', 'dq-image']);
    expect(mocks.app.quit).toHaveBeenCalledOnce();
    expect(mocks.app.whenReady).not.toHaveBeenCalled();
    expect(state.windows).toHaveLength(0);
  });

  it('tells the user how to fix a missing Electron build of better-sqlite3, and exits 1', async () => {
    state.appPath = makeAppRoot(false).appRoot;
    state.userData = tempDir();
    const ready = readyLatch();
    await importMain();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    ready();
    await vi.waitFor(() => expect(mocks.app.exit).toHaveBeenCalledWith(1));
    expect(mocks.dialog.showErrorBox).toHaveBeenCalledWith(
      'DermaQuant cannot start',
      expect.stringMatching(/better-sqlite3.*npm start/s),
    );
    expect(state.windows).toHaveLength(0);
    vi.mocked(console.error).mockRestore();
  });

  it('wires window, protocols, IPC, menu and events to real services, and closes the study on quit', async () => {
    const { appRoot, binding } = makeAppRoot(true);
    state.appPath = appRoot;
    state.userData = tempDir();
    const studyDir = path.join(tempDir(), 'recent');
    const maker = createServices({ studyDir: null });
    await maker.createStudyAt(studyDir, 'Recent study');
    maker.close();
    fs.writeFileSync(path.join(state.userData, 'recent-study.json'), JSON.stringify({ dir: studyDir }));

    const ready = readyLatch();
    await importMain();
    ready();
    await vi.waitFor(() => expect(state.windows).toHaveLength(1));
    const win = state.windows[0];

    // The window: isolated, sandboxed, with the bundled preload, showing the app origin.
    const prefs = win?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    // A development run (app.isPackaged is false here) keeps the developer tools and Reload.
    expect(prefs.devTools).toBe(true);
    expect(win?.loadURL).toHaveBeenCalledWith('app://dermaquant/index.html');

    // better-sqlite3 was loaded from the Electron build path, not node_modules.
    expect(Object.keys(createRequire(import.meta.url).cache)).toContain(binding);

    // Permissions, protocols, menu.
    expect(mocks.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect(mocks.protocol.handle.mock.calls.map((call) => call[0]).sort()).toEqual(['app', 'dq-image']);
    const template = mocks.Menu.buildFromTemplate.mock.calls[0]?.[0] as { label?: string }[];
    expect(template.map((menu) => menu.label)).toContain('File');
    expect(template).toContainEqual({ role: 'viewMenu' });
    expect(mocks.Menu.setApplicationMenu).toHaveBeenCalledOnce();

    // IPC: the reopened recent study answers; a foreign page is refused; changes reach the window.
    expect(mocks.ipcMain.handle).toHaveBeenCalledOnce();
    const [channel, listener] = mocks.ipcMain.handle.mock.calls[0] as [string, Handler];
    expect(channel).toBe(INVOKE_CHANNEL);
    const mainFrame = { ...win!.webContents.mainFrame, url: 'app://dermaquant/index.html' };
    const fromApp = { sender: win?.webContents, senderFrame: mainFrame } as unknown as IpcMainInvokeEvent;
    const study = (await listener(fromApp, 'getStudy', {})) as Result<{ study: { name: string } }>;
    expect(study).toMatchObject({ ok: true, value: { study: { name: 'Recent study' } } });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const foreign = {
      sender: win?.webContents,
      senderFrame: { ...mainFrame, url: 'https://evil.example/' },
    } as unknown as IpcMainInvokeEvent;
    const subframe = {
      sender: win?.webContents,
      senderFrame: { ...mainFrame, routingId: 2 },
    } as unknown as IpcMainInvokeEvent;
    for (const event of [foreign, subframe]) {
      expect(await listener(event, 'getStudy', {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    vi.mocked(console.error).mockRestore();
    await listener(fromApp, 'addSubject', { code: 'S-9' });
    expect(win?.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'study-changed', expect.anything());

    // Every new web contents is hardened.
    const contents = { on: vi.fn(), setWindowOpenHandler: vi.fn() };
    for (const handler of handlersFor('web-contents-created')) handler({}, contents);
    expect(contents.on).toHaveBeenCalledWith('will-navigate', expect.any(Function));
    expect(contents.setWindowOpenHandler).toHaveBeenCalledOnce();

    // A second launch focuses this window; closing it quits.
    for (const handler of handlersFor('second-instance')) handler();
    expect(win?.focus).toHaveBeenCalled();
    for (const handler of handlersFor('window-all-closed')) handler();
    expect(mocks.app.quit).toHaveBeenCalled();

    // Quitting closes the database: a cleanly closed WAL database leaves no -wal file.
    expect(fs.existsSync(path.join(studyDir, 'study.sqlite-wal'))).toBe(true);
    for (const handler of handlersFor('will-quit')) handler();
    expect(fs.existsSync(path.join(studyDir, 'study.sqlite-wal'))).toBe(false);
  });
});
