import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The last study the user had open, so the app reopens it on the next launch. A small JSON file in
 * Electron's userData folder; a missing or unreadable file just means "no recent study".
 */
export function readRecentStudy(file: string): string | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { dir?: unknown };
    return typeof data.dir === 'string' && data.dir.length > 0 ? data.dir : null;
  } catch {
    return null;
  }
}

export function writeRecentStudy(file: string, dir: string): void {
  try {
    writeFileSync(file, JSON.stringify({ dir }));
  } catch (err) {
    // Losing this only costs the user one "Open study" next time.
    console.error('[dermaquant] could not remember the open study:', err);
  }
}
