import path from 'node:path';
import type { BrowserWindow, Dialog, MenuItemConstructorOptions } from 'electron';
import type { EventName, EventPayloads } from '../../shared/api';
import { toApiError } from '../services/errors';
import type { Services } from '../services/types';
import { EVENT_CHANNEL } from './ipc-channels';

export interface MenuActions {
  newStudy(): Promise<void>;
  openStudy(): Promise<void>;
  importImages(): void;
}

/**
 * The View menu. Development builds get Electron's own (with Reload and the developer tools); an
 * installed build only zoom and full screen: a reload there would drop unsaved view state for
 * nothing, and the developer tools would let anyone at the keyboard run code in the page.
 */
function viewMenu(packaged: boolean): MenuItemConstructorOptions {
  if (!packaged) return { role: 'viewMenu' };
  return {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
}

/** The application menu. On macOS the first menu is the app menu, as users there expect. */
export function buildMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
  build: { packaged: boolean } = { packaged: true },
): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        id: 'new-study',
        label: 'New Study…',
        accelerator: 'CmdOrCtrl+N',
        click: () => void actions.newStudy(),
      },
      {
        id: 'open-study',
        label: 'Open Study…',
        accelerator: 'CmdOrCtrl+O',
        click: () => void actions.openStudy(),
      },
      { type: 'separator' },
      {
        id: 'import-images',
        label: 'Import Images…',
        accelerator: 'CmdOrCtrl+I',
        click: () => actions.importImages(),
      },
      { type: 'separator' },
      { id: 'quit', role: 'quit', label: 'Quit DermaQuant' },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = platform === 'darwin' ? [{ role: 'appMenu' }] : [];
  return [...appMenu, file, { role: 'editMenu' }, viewMenu(build.packaged), { role: 'windowMenu' }];
}

export interface MenuActionDeps {
  services: Services;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showMessageBox'>;
  getWindow: () => BrowserWindow | null;
  onStudyOpened?: (dir: string) => void;
}

export function sendEvent<E extends EventName>(
  win: BrowserWindow | null,
  name: E,
  payload: EventPayloads[E],
): void {
  if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
}

/** Folder dialogs run here in main; the renderer only hears that the study changed. */
export function createMenuActions(deps: MenuActionDeps): MenuActions {
  const { services, getWindow } = deps;
  return {
    async newStudy() {
      const dir = await chooseFolder(deps, 'New study: choose a new or empty folder', 'Create study here');
      if (dir === null) return;
      await runStudyChange(deps, 'Could not create the study', dir, () =>
        services.createStudyAt(dir, path.basename(dir) || 'Study'),
      );
    },
    async openStudy() {
      const dir = await chooseFolder(deps, 'Open study: choose a study folder', 'Open study');
      if (dir === null) return;
      await runStudyChange(deps, 'Could not open the study', dir, () => services.openStudy(dir));
    },
    importImages() {
      // The renderer owns the file picker: it knows which timepoint the images are for.
      sendEvent(getWindow(), 'menu-command', { command: 'import-images' });
    },
  };
}

export async function chooseFolder(
  deps: Pick<MenuActionDeps, 'dialog' | 'getWindow'>,
  title: string,
  buttonLabel: string,
): Promise<string | null> {
  const options = { title, buttonLabel, properties: ['openDirectory', 'createDirectory'] as const };
  const win = deps.getWindow();
  const choice = await (win
    ? deps.dialog.showOpenDialog(win, { ...options, properties: [...options.properties] })
    : deps.dialog.showOpenDialog({ ...options, properties: [...options.properties] }));
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

async function runStudyChange(
  deps: MenuActionDeps,
  failureTitle: string,
  dir: string,
  change: () => Promise<unknown>,
): Promise<void> {
  try {
    // The services announce 'study-changed' themselves; main.ts forwards it to the window.
    await change();
    deps.onStudyOpened?.(dir);
  } catch (err) {
    const message = { type: 'error' as const, message: failureTitle, detail: toApiError(err).message };
    const win = deps.getWindow();
    await (win ? deps.dialog.showMessageBox(win, message) : deps.dialog.showMessageBox(message));
  }
}
