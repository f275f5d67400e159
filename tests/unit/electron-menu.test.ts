import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog, MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL } from '../../main/electron/ipc-channels';
import { buildMenuTemplate, createMenuActions, type MenuActions } from '../../main/electron/menu';
import { createServices } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs('dq-menu-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

const fileMenu = (template: MenuItemConstructorOptions[]) =>
  (template.find((menu) => menu.label === 'File')?.submenu ?? []) as MenuItemConstructorOptions[];

/** Every role anywhere in a template, submenus included. */
function rolesIn(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? rolesIn(item.submenu) : []),
  ]);
}

describe('View menu of an installed build', () => {
  const actions: MenuActions = {
    newStudy: async () => {},
    openStudy: async () => {},
    importImages: () => {},
  };

  it.each(['linux', 'darwin', 'win32'] as const)('has no Reload and no developer tools (%s)', (platform) => {
    const roles = rolesIn(buildMenuTemplate(actions, platform, { packaged: true }));
    for (const role of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu'])
      expect(roles).not.toContain(role);
    expect(roles).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it("keeps Electron's View menu (Reload, developer tools) in a development build", () => {
    expect(rolesIn(buildMenuTemplate(actions, 'linux', { packaged: false }))).toContain('viewMenu');
  });
});

describe('application menu', () => {
  const actions: MenuActions = {
    newStudy: vi.fn(async () => {}),
    openStudy: vi.fn(async () => {}),
    importImages: vi.fn(),
  };

  it('has New Study, Open Study, Import Images and Quit in the File menu', () => {
    const items = fileMenu(buildMenuTemplate(actions, 'linux'));
    const labelled = items.filter((item) => item.type !== 'separator');
    expect(labelled.map((item) => item.label)).toEqual([
      'New Study…',
      'Open Study…',
      'Import Images…',
      'Quit DermaQuant',
    ]);
    expect(labelled.find((item) => item.id === 'quit')?.role).toBe('quit');
    expect(labelled.map((item) => item.accelerator)).toEqual([
      'CmdOrCtrl+N',
      'CmdOrCtrl+O',
      'CmdOrCtrl+I',
      undefined,
    ]);
  });

  it('runs the matching action on click', () => {
    const items = fileMenu(buildMenuTemplate(actions, 'linux'));
    const click = (id: string) =>
      (items.find((item) => item.id === id)?.click as (() => void) | undefined)?.();
    click('new-study');
    click('open-study');
    click('import-images');
    expect(actions.newStudy).toHaveBeenCalledOnce();
    expect(actions.openStudy).toHaveBeenCalledOnce();
    expect(actions.importImages).toHaveBeenCalledOnce();
  });

  it('puts the app menu first on macOS only, and keeps the edit menu (copy and paste in text fields)', () => {
    expect(buildMenuTemplate(actions, 'darwin')[0]?.role).toBe('appMenu');
    expect(buildMenuTemplate(actions, 'linux')[0]?.label).toBe('File');
    expect(buildMenuTemplate(actions, 'win32').some((menu) => menu.role === 'editMenu')).toBe(true);
  });
});

/** A window whose webContents records what is sent to the renderer; dialogs answer from a script. */
function setUp(folderAnswers: (string | null)[]) {
  const services = createServices({ studyDir: null });
  open.push(services);
  const sent: unknown[][] = [];
  const win = { isDestroyed: () => false, webContents: { send: (...args: unknown[]) => sent.push(args) } };
  const dialog = {
    showOpenDialog: vi.fn(async () => {
      const answer = folderAnswers.shift() ?? null;
      return { canceled: answer === null, filePaths: answer === null ? [] : [answer] };
    }),
    showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  };
  const opened: string[] = [];
  const events: unknown[] = [];
  services.onEvent((name, payload) => events.push([name, payload]));
  const actions = createMenuActions({
    services,
    dialog: dialog as unknown as Pick<Dialog, 'showOpenDialog' | 'showMessageBox'>,
    getWindow: () => win as unknown as BrowserWindow,
    onStudyOpened: (dir) => opened.push(dir),
  });
  return { services, actions, dialog, sent, opened, events };
}

describe('menu actions with real services', () => {
  it('New Study creates a study in the chosen folder; the services announce the change', async () => {
    const dir = path.join(tempDir(), 'Pilot 2025');
    const { actions, services, dialog, opened, events } = setUp([dir]);
    await actions.newStudy();
    expect(dialog.showOpenDialog).toHaveBeenCalledOnce();
    expect(fs.existsSync(path.join(dir, 'study.sqlite'))).toBe(true);
    expect((await services.getStudy({}))?.study.name).toBe('Pilot 2025');
    expect(opened).toEqual([dir]);
    expect(events).toContainEqual(['study-changed', expect.anything()]);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('Open Study opens a study; a folder that is not one gets an error dialog and the open study stays', async () => {
    const first = path.join(tempDir(), 'first');
    const maker = createServices({ studyDir: null });
    await maker.createStudyAt(first, 'First');
    maker.close();
    const notAStudy = tempDir();
    fs.writeFileSync(path.join(notAStudy, 'photo.jpg'), 'x');
    const { actions, services, dialog, opened } = setUp([first, notAStudy]);
    await actions.openStudy();
    expect((await services.getStudy({}))?.study.name).toBe('First');
    await actions.openStudy();
    expect(dialog.showMessageBox).toHaveBeenCalledOnce();
    const box = dialog.showMessageBox.mock.calls[0] as unknown[];
    expect(box[1]).toMatchObject({ type: 'error', message: 'Could not open the study' });
    expect((box[1] as { detail: string }).detail).toMatch(/not a DermaQuant study/);
    expect((await services.getStudy({}))?.study.name).toBe('First');
    expect(opened).toEqual([first]);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const { actions, services, dialog } = setUp([null, null]);
    await actions.newStudy();
    await actions.openStudy();
    expect(services.studyDir()).toBeNull();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('Import Images asks the renderer to open its file picker', () => {
    const { actions, sent } = setUp([]);
    actions.importImages();
    expect(sent).toEqual([[EVENT_CHANNEL, 'menu-command', { command: 'import-images' }]]);
  });
});
