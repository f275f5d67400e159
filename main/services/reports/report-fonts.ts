/**
 * The report's typeface: DejaVu Sans (the dejavu-fonts-ttf package), embedded in every PDF. The PDF
 * standard fonts need nothing embedded but cover only Western European text, and study names, subject
 * codes and timepoint labels may be written in Greek, Cyrillic or with any Latin accent; an embedded
 * font also prints the same everywhere (and is what archival PDF/A asks for).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Doc } from './pdf-layout';

export const FONT = 'DejaVuSans';
export const FONT_BOLD = 'DejaVuSans-Bold';

/** Where the package's .ttf files are: from the CommonJS bundle, or from the sources under vitest. */
function fontFolder(): string {
  const resolve =
    typeof require === 'function'
      ? require.resolve
      : createRequire(path.join(process.cwd(), 'package.json')).resolve;
  return path.join(path.dirname(resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** Make FONT and FONT_BOLD usable in `doc` (embedded as subsets of the glyphs used). */
export function registerReportFonts(doc: Doc): void {
  const folder = fontFolder();
  doc.registerFont(FONT, path.join(folder, 'DejaVuSans.ttf'));
  doc.registerFont(FONT_BOLD, path.join(folder, 'DejaVuSans-Bold.ttf'));
}
