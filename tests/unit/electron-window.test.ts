import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { isAppUrl } from '../../main/electron/app-origin';
import { denyAllPermissions, hardenWebContents, openMainWindow } from '../../main/electron/window-options';

/** Stands in for BrowserWindow: keeps the options it was opened with. */
class OptionsOnly {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}
const mainWindowOptions = (preload: string, build?: { packaged: boolean }) =>
  openMainWindow(OptionsOnly, preload, build).options;

describe('main window options', () => {
  const options = mainWindowOptions('/app/out/preload.cjs');
  const prefs = options.webPreferences ?? {};

  it('isolates the page from Node: context isolation, sandbox, no node integration anywhere', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webviewTag).toBe(false);
  });

  it('keeps web security on and loads the given preload', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.preload).toBe('/app/out/preload.cjs');
  });

  it('does not let a dropped file or a middle click navigate away, and turns experimental features off', () => {
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('opens the developer tools only in a development build', () => {
    expect(mainWindowOptions('/p.cjs', { packaged: true }).webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions('/p.cjs', { packaged: false }).webPreferences?.devTools).toBe(true);
    // Without being told, a build counts as installed.
    expect(prefs.devTools).toBe(false);
  });
});

/** A stand-in for WebContents: a real event emitter plus the window-open handler slot. */
function fakeWebContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (handler: typeof openHandler) => {
      openHandler = handler;
    },
  });
  return { contents: contents as unknown as WebContents, emitter, openHandler: () => openHandler };
}

describe('hardenWebContents', () => {
  it.each(['will-navigate', 'will-redirect', 'will-attach-webview'])('prevents %s', (eventName) => {
    const { contents, emitter } = fakeWebContents();
    hardenWebContents(contents);
    const event = { preventDefault: vi.fn() };
    emitter.emit(eventName, event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('denies window.open for any URL, the app own included', () => {
    const { contents, openHandler } = fakeWebContents();
    hardenWebContents(contents);
    const handler = openHandler();
    expect(handler).toBeDefined();
    expect(handler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'app://dermaquant/index.html' })).toEqual({ action: 'deny' });
  });
});

describe('denyAllPermissions', () => {
  it('answers every permission request and check with no', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: (...args: unknown[]) => unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: (...args: unknown[]) => unknown) => (handlers.check = h),
      setDevicePermissionHandler: (h: (...args: unknown[]) => unknown) => (handlers.device = h),
    } as unknown as Session;
    denyAllPermissions(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check?.({}, permission)).toBe(false);
    }
    expect(handlers.device?.({})).toBe(false);
  });
});

describe('isAppUrl (the origin IPC trusts)', () => {
  it.each(['app://dermaquant/index.html', 'app://dermaquant/', 'app://dermaquant/assets/x.js?y=1'])(
    'accepts %s',
    (url) => {
      expect(isAppUrl(url)).toBe(true);
    },
  );
  it.each([
    'https://dermaquant/index.html',
    'file:///app/out/renderer/index.html',
    'app://dermaquant.evil.example/',
    'app://evil@dermaquant/',
    'app://other/index.html',
    'http://127.0.0.1:5173/',
    'devtools://devtools/bundled/index.html',
    'not a url',
    '',
    null,
    undefined,
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});
