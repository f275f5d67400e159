import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export interface WindowBuild {
  /** app.isPackaged: an installed build, where developer tools stay closed. */
  packaged: boolean;
}

/**
 * The main window's options. Everything that lets page script reach Node is off; the preload is the
 * only bridge (see preload.ts). Developer tools exist only in development builds.
 */
export function mainWindowOptions(
  preloadPath: string,
  build: WindowBuild = { packaged: true },
): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    title: 'DermaQuant',
    backgroundColor: '#f5f6f8',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // A file dropped outside the UI's drop zones must not replace the app with a file:// page.
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !build.packaged,
    },
  };
}

/**
 * Refuse every way a page could leave the app: navigation (links, drops, location changes), new
 * windows and embedded webviews. The UI is a single page and opens nothing.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The UI needs no camera, microphone, notifications, geolocation or devices: deny every request. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
