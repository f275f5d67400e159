/**
 * The stain panel's latest settings, kept for the Results screen's "use the stain panel's settings":
 * the panel lives in the pair view, the study protocol is set elsewhere. Kept for the browser tab's
 * session (sessionStorage), so a reload does not forget them.
 */
import type { StainSettings } from './stain-settings';

const KEY = 'dermaquant.lastStainSettings';

export function rememberStainSettings(settings: StainSettings): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Storage refused (private mode, quota): the button simply stays unavailable.
  }
}

export function lastStainSettings(): StainSettings | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<StainSettings>;
    const valid =
      typeof s.preset === 'string' &&
      (s.channel === null || typeof s.channel === 'string') &&
      (s.method === 'fixed' || s.method === 'otsu' || s.method === 'triangle') &&
      typeof s.thresholdOD === 'number' &&
      typeof s.detectTissue === 'boolean';
    return valid ? (s as StainSettings) : null;
  } catch {
    return null;
  }
}
