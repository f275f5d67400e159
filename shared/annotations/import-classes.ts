/**
 * Which study class an imported shape goes to. QuPath names its classes freely, with a few
 * conventions of its own ("Region*" for areas to measure in, "Ignore*" for areas to leave out), and
 * ImageJ ROIs have no class at all. The rules, in order:
 *
 * 1. A class chosen for the whole import wins (the editor's picker, `--class NAME`).
 * 2. No classification (ImageJ ROIs, unclassified QuPath annotations): the region-of-interest class,
 *    because a region someone outlined elsewhere is almost always where they want to measure.
 * 3. A study class of the same name, ignoring case ("dermis" finds "Dermis", "exclude" finds "Exclude").
 * 4. QuPath's conventions: "Region*", "Region", "Tissue", "ROI" -> the region-of-interest class;
 *    "Exclude", "Excluded", "Ignore*", "Ignore" -> the exclusion class.
 * 5. Any other name: a new user class of that name, in the colour the file gives it. A new class
 *    changes no measurement (only the built-in roles do), so importing never silently moves a figure;
 *    the report lists the classes made, and a shape can be re-classed in the editor.
 */
import type { Rgb } from '../formats/geojson-import';
import type { AnnotationClass, ClassRole } from './types';

export type ClassTarget =
  | { existing: AnnotationClass }
  /** A class to create; `key` groups shapes of the same name (case-insensitive) into one new class. */
  | { create: { name: string; colour: string; key: string } };

const ROI_NAMES = /^(region\*?|tissue|roi)$/i;
const EXCLUDE_NAMES = /^(exclude|excluded|ignore\*?)$/i;
/** Colour of a new class when the file gives none: orange, apart from the built-in classes' colours. */
export const DEFAULT_IMPORT_COLOUR = '#f2994a';
const CLASS_NAME_MAX = 100;
/** Control characters (C0, DEL, C1) and text-direction overrides, tested one character at a time. */
const UNPRINTABLE = new RegExp('^[\\p{Cc}\\u202a-\\u202e\\u2066-\\u2069]$', 'u');

const hex = (rgb: Rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** The name as a class name may be written: trimmed, no control characters, at most 100 characters. */
export function importedClassName(name: string): string {
  return [...name]
    .filter((c) => !UNPRINTABLE.test(c))
    .join('')
    .trim()
    .slice(0, CLASS_NAME_MAX);
}

const withRole = (classes: readonly AnnotationClass[], role: NonNullable<ClassRole>) =>
  classes.find((c) => c.role === role);

/**
 * The class for a shape classified `className` (null: unclassified) with the file's colour `colour`.
 * Null only when the study lacks the built-in class a rule points to (a damaged study).
 */
export function importClassFor(
  className: string | null,
  colour: Rgb | null,
  classes: readonly AnnotationClass[],
  chosen?: AnnotationClass,
): ClassTarget | null {
  const found = (c: AnnotationClass | undefined): ClassTarget | null => (c ? { existing: c } : null);
  if (chosen) return { existing: chosen };
  const name = className === null ? '' : importedClassName(className);
  if (!name) return found(withRole(classes, 'roi'));
  const same = classes.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (same) return { existing: same };
  if (ROI_NAMES.test(name)) return found(withRole(classes, 'roi'));
  if (EXCLUDE_NAMES.test(name)) return found(withRole(classes, 'exclude'));
  return { create: { name, colour: colour ? hex(colour) : DEFAULT_IMPORT_COLOUR, key: name.toLowerCase() } };
}
