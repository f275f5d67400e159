import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInvokeHandler, registerIpc, type InvokeHandler } from '../../main/electron/ipc';
import { INVOKE_CHANNEL } from '../../main/electron/ipc-channels';
import { createServices } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import type { Result } from '../../shared/result';
import { useTempDirs } from '../helpers/temp-dir';

// The IPC handler over real services in a temporary folder; only the Electron plumbing is stood in for.
const tempDir = useTempDirs('dq-ipc-');
const APP = 'app://dermaquant/index.html';
const open: Services[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  for (const services of open.splice(0)) services.close();
});

function setUp(chooseNewStudyFolder: () => Promise<string | null> = async () => null) {
  const services = createServices({ studyDir: null });
  open.push(services);
  const opened: string[] = [];
  const choose = vi.fn(chooseNewStudyFolder);
  const handler = createInvokeHandler({
    services,
    chooseNewStudyFolder: choose,
    onStudyOpened: (dir) => opened.push(dir),
  });
  return { services, handler, choose, opened };
}

function valueOf<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);

describe('IPC sender check', () => {
  it.each([
    'https://evil.example/',
    'file:///home/me/out/renderer/index.html',
    'app://other/index.html',
    'http://127.0.0.1:5173/',
    'devtools://devtools/bundled/index.html',
    null,
  ])('refuses calls from %s without running anything', async (senderUrl) => {
    const dir = path.join(tempDir(), 'study');
    const { handler, choose } = setUp(async () => dir);
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await handler(senderUrl, 'createStudy', { name: 'Hijacked' });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused IPC call'));
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(choose).not.toHaveBeenCalled();
    expect(fs.existsSync(dir)).toBe(false);
    expect(codeOf(await handler(senderUrl, 'uploadBegin', { fileName: 'a.png', size: 4 }))).toBe('FORBIDDEN');
  });
});

describe('IPC method allow-list', () => {
  it.each([
    'openStudy',
    'createStudyAt',
    'studyDir',
    'stageUpload',
    'uploadFile',
    'imageAsset',
    'close',
    'toString',
    'nope',
    42,
  ])('refuses %s (not an API method)', async (method) => {
    const { handler } = setUp();
    expect(codeOf(await handler(APP, method, {}))).toBe('UNKNOWN_METHOD');
  });

  it('answers invalid input with INVALID_INPUT', async () => {
    const { handler } = setUp();
    const result = await handler(APP, 'addTimepoint', { subjectId: 'one', label: '' });
    expect(codeOf(result)).toBe('INVALID_INPUT');
  });
});

describe('IPC calls reach the services', () => {
  it('creates a study in the folder the user chooses, then serves the study methods', async () => {
    const dir = path.join(tempDir(), 'trial');
    const { handler, choose, opened } = setUp(async () => dir);
    expect(valueOf(await handler(APP, 'getStudy', {}))).toBeNull();
    const view = valueOf<{ study: { name: string; dir: string } }>(
      await handler(APP, 'createStudy', { name: 'Microneedling pilot' }),
    );
    expect(choose).toHaveBeenCalledOnce();
    expect(view.study).toMatchObject({ name: 'Microneedling pilot', dir });
    expect(fs.existsSync(path.join(dir, 'study.sqlite'))).toBe(true);
    expect(opened).toEqual([dir]);
    const subject = valueOf<{ code: string }>(await handler(APP, 'addSubject', { code: 'S-01' }));
    expect(subject.code).toBe('S-01');
  });

  it('creates nothing when the folder dialog is cancelled, and asks nothing for an invalid name', async () => {
    const { handler, choose, services } = setUp(async () => null);
    expect(codeOf(await handler(APP, 'createStudy', { name: 'Pilot' }))).toBe('CANCELLED');
    expect(codeOf(await handler(APP, 'createStudy', { name: '   ' }))).toBe('INVALID_INPUT');
    expect(choose).toHaveBeenCalledOnce();
    expect(services.studyDir()).toBeNull();
  });

  it('passes the service refusal on when the chosen folder is not usable', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'thesis.docx'), 'mine');
    const { handler } = setUp(async () => dir);
    const result = await handler(APP, 'createStudy', { name: 'Pilot' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/not empty/);
    expect(fs.readdirSync(dir)).toEqual(['thesis.docx']);
  });
});

/** A stand-in window: only the identity of its web contents and main frame matter to the check. */
function appWindow(destroyed = false) {
  const webContents = { mainFrame: { processId: 4, routingId: 1, url: APP } };
  return { isDestroyed: () => destroyed, webContents } as unknown as BrowserWindow;
}

/** An invoke event as Electron builds it: the sender web contents and the frame the call came from. */
function invokeEvent(
  sender: unknown,
  frame: { processId: number; routingId: number; url: string } | null,
): IpcMainInvokeEvent {
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function registered(handler: InvokeHandler, getWindow: () => BrowserWindow | null): Listener {
  const handle = vi.fn();
  registerIpc({ handle } as unknown as IpcMain, handler, getWindow);
  expect(handle).toHaveBeenCalledOnce();
  expect(handle.mock.calls[0]?.[0]).toBe(INVOKE_CHANNEL);
  return handle.mock.calls[0]?.[1] as Listener;
}

describe('registerIpc', () => {
  const echo = (async (url, method) => ({ ok: true, value: { url, method } })) as InvokeHandler;

  it('passes calls from the main frame of the app window on, with the frame URL', async () => {
    const win = appWindow();
    const listener = registered(echo, () => win);
    const fromApp = invokeEvent(win.webContents, { processId: 4, routingId: 1, url: APP });
    await expect(listener(fromApp, 'getStudy', {})).resolves.toEqual({
      ok: true,
      value: { url: APP, method: 'getStudy' },
    });
  });

  it.each([
    ['a frame inside the page, even of the app origin', 'same', { processId: 4, routingId: 7, url: APP }],
    ['a frame in another renderer process', 'same', { processId: 9, routingId: 1, url: APP }],
    ['another web contents showing the app page', 'other', { processId: 4, routingId: 1, url: APP }],
    ['a frame that has gone away', 'same', null],
  ] as const)('refuses %s without calling the handler', async (_what, sender, frame) => {
    const win = appWindow();
    const handler = vi.fn(echo);
    const listener = registered(handler, () => win);
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const contents = sender === 'same' ? win.webContents : { mainFrame: win.webContents.mainFrame };
    const result = (await listener(invokeEvent(contents, frame), 'getStudy', {})) as Result<unknown>;
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(handler).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused IPC call'));
  });

  it('refuses every call when there is no window, or it was destroyed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = vi.fn(echo);
    const gone = appWindow(true);
    for (const getWindow of [() => null, () => gone]) {
      const listener = registered(handler, getWindow);
      const event = invokeEvent(gone.webContents, { processId: 4, routingId: 1, url: APP });
      expect(codeOf((await listener(event, 'getStudy', {})) as Result<unknown>)).toBe('FORBIDDEN');
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('with the real handler, the main frame must still show the app origin', async () => {
    const { handler } = setUp();
    const win = appWindow();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const listener = registered(handler, () => win);
    const navigatedAway = invokeEvent(win.webContents, {
      processId: 4,
      routingId: 1,
      url: 'https://evil.example/',
    });
    expect(codeOf((await listener(navigatedAway, 'getStudy', {})) as Result<unknown>)).toBe('FORBIDDEN');
    const fromApp = invokeEvent(win.webContents, { processId: 4, routingId: 1, url: APP });
    expect(codeOf((await listener(fromApp, 'getStudy', {})) as Result<unknown>)).toBe('ok');
  });
});
