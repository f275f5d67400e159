/**
 * The renderer's own origin and the custom schemes. The UI is served from `app://dermaquant/` (a
 * privileged standard scheme) rather than file://, so it has a real origin that IPC can check and that
 * file:// pages or remote content can never share.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'dermaquant';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Images reach the renderer as `dq-image://image/<id>/<kind>`: an id, never a path. */
export const IMAGE_SCHEME = 'dq-image';
export const IMAGE_HOST = 'image';

/** True only for URLs of the app's own origin (exact scheme and host, no port or credentials). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
