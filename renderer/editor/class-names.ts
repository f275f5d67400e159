/**
 * Checks a class name before it goes to the server, with the server's own rules (shared/api-annotations
 * ClassName, and names unique in a study regardless of case), so a clash is explained at once. The
 * server still decides: another window may take a name meanwhile (it answers CONFLICT).
 */
import type { AnnotationClass } from '../../shared/annotations/types';

export const MAX_CLASS_NAME = 100;

/** A message saying what is wrong with `name` for class `classId` (null: a new class), or null if fine. */
export function classNameProblem(
  classes: readonly AnnotationClass[],
  classId: number | null,
  name: string,
): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'A class needs a name: type one.';
  if (trimmed.length > MAX_CLASS_NAME)
    return `“${trimmed.slice(0, 20)}…” is ${trimmed.length} characters long: a class name has at most ${MAX_CLASS_NAME}.`;
  const holder = classes.find((c) => c.id !== classId && c.name.toLowerCase() === trimmed.toLowerCase());
  if (holder)
    return `The name “${trimmed}” is already taken by the class “${holder.name}” in this study (names ignore case): choose another name.`;
  return null;
}

const ROLE_TEXT = {
  roi: 'built-in: the region measured in',
  exclude: 'built-in: cut out of the region',
  stained: 'built-in: counted as stain',
  unstained: 'built-in: never counted as stain',
} as const;

/** What a class does in the measurements; a rename or a new colour never changes it. */
export function classRoleText(role: AnnotationClass['role']): string {
  return role === null ? 'your own class: measured on its own' : ROLE_TEXT[role];
}
