import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export interface WindowBuild {
  /** app.isPackaged: an installed build, where developer tools stay closed. */
  packaged: boolean;
}

/**
 * Open the main window (hidden until 'ready-to-show'). Everything that lets page script reach Node is off;
 * the preload is the only bridge (see preload.ts). Developer tools exist only in development builds.
 * The options are written out literally at the `new BrowserWindow` call so that static checkers
 * (Electronegativity, in the test suite) see the values the window really gets. `BrowserWindow` is
 * passed in so the unit test can read the options with a stand-in class.
 */
export function openMainWindow<Window>(
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => Window,
  preloadPath: string,
  build: WindowBuild = { packaged: true },
): Window {
  return new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    title: 'DermaQuant',
    backgroundColor: '#f5f6f8',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      // Reviewed (Electronegativity asks for a review of every preload): it exposes only invoke(method,
      // input) for the allow-listed service methods and on(event) for the app's events; see preload.ts.
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // Middle-click must not open links in new windows (window.open is refused too: hardenWebContents).
      disableBlinkFeatures: 'Auxclick',
      // A file dropped outside the UI's drop zones must not replace the app with a file:// page.
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !build.packaged,
    },
  });
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
