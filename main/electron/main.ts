/**
 * The Electron main process (bundled to out/electron-main.cjs): app lifecycle and wiring only. Every
 * request from the window goes through ipc.ts or protocol.ts to the same services object the HTTP
 * bridge and the CLI use.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { createServices } from '../services/index';
import type { Services } from '../services/types';
import { APP_ENTRY_URL } from './app-origin';
import { createExportHandler } from './export-dialog';
import { createInvokeHandler, registerIpc } from './ipc';
import { buildMenuTemplate, chooseFolder, createMenuActions, sendEvent } from './menu';
import { installedVersion, resolveNativeBinding, unpackedAppRoot } from './native-binding';
import { PRIVILEGED_SCHEMES, registerProtocolHandlers } from './protocol';
import { readRecentStudy, writeRecentStudy } from './recent-study';
import { denyAllPermissions, hardenWebContents, openMainWindow } from './window-options';

// Schemes must be privileged before the app is ready.
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);

/** The bundles, the preload and the built renderer all sit in out/, next to this file. */
const outDir = __dirname;
let mainWindow: BrowserWindow | null = null;
let services: Services | null = null;

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function createMainWindow(): void {
  const win = openMainWindow(BrowserWindow, path.join(outDir, 'preload.cjs'), { packaged: app.isPackaged });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
  void win.loadURL(APP_ENTRY_URL);
}

/** The Electron build of better-sqlite3 (see native-binding.ts); undefined never: the Node build cannot load here. */
function electronNativeBinding(): string {
  const appPath = app.getAppPath();
  const appRoot = app.isPackaged ? unpackedAppRoot(appPath) : appPath;
  const target = {
    electronVersion: process.versions.electron ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    betterSqliteVersion: installedVersion(path.join(appPath, 'node_modules'), 'better-sqlite3'),
  };
  return resolveNativeBinding(appRoot, target, !app.isPackaged);
}

async function reopenRecentStudy(open: Services, recentFile: string): Promise<void> {
  const dir = readRecentStudy(recentFile);
  if (dir === null) return;
  try {
    await open.openStudy(dir);
  } catch (err) {
    // Moved, deleted or unreadable since last time: start without a study rather than fail.
    console.error(`[dermaquant] could not reopen ${dir}:`, err);
  }
}

async function start(): Promise<void> {
  const nativeBinding = electronNativeBinding();
  const recentFile = path.join(app.getPath('userData'), 'recent-study.json');
  const remember = (dir: string): void => writeRecentStudy(recentFile, dir);
  const ready = createServices({ studyDir: null, nativeBinding });
  services = ready;
  await reopenRecentStudy(ready, recentFile);

  denyAllPermissions(session.defaultSession);
  registerProtocolHandlers(protocol, ready, path.join(outDir, 'renderer'));
  const getWindow = (): BrowserWindow | null => mainWindow;
  registerIpc(
    ipcMain,
    createInvokeHandler({
      services: ready,
      chooseNewStudyFolder: () =>
        chooseFolder({ dialog, getWindow }, 'New study: choose a new or empty folder', 'Create study here'),
      onStudyOpened: remember,
      exportStudyFile: createExportHandler({ services: ready, dialog, getWindow }),
    }),
    getWindow,
  );
  const actions = createMenuActions({ services: ready, dialog, getWindow, onStudyOpened: remember });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(buildMenuTemplate(actions, process.platform, { packaged: app.isPackaged })),
  );
  ready.onEvent((name, payload) => sendEvent(mainWindow, name, payload));
  createMainWindow();
}

function failToStart(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error('[dermaquant] cannot start:', err);
  dialog.showErrorBox('DermaQuant cannot start', message);
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  // Another DermaQuant is running: it gets focus (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // One window holds the one open study: closing it ends the app on every platform.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => services?.close());
  app.whenReady().then(start).catch(failToStart);
}
