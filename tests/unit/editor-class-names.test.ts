import { describe, expect, it } from 'vitest';
import type { AnnotationClass } from '../../shared/annotations/types';
import { classNameProblem, classRoleText } from '../../renderer/editor/class-names';

const classes: AnnotationClass[] = [
  { id: 1, name: 'Region of interest', colour: '#00ff00', role: 'roi' },
  { id: 4, name: 'Vessels', colour: '#ff0000', role: null },
];

describe('class names', () => {
  it('accepts a new name, and a class keeping its own name in another case', () => {
    expect(classNameProblem(classes, 4, 'Blood vessels')).toBeNull();
    expect(classNameProblem(classes, 4, 'VESSELS')).toBeNull();
  });
  it('refuses a name another class holds, ignoring case, naming the holder', () => {
    expect(classNameProblem(classes, 4, ' region OF interest ')).toBe(
      'The name “region OF interest” is already taken by the class “Region of interest” in this study (names ignore case): choose another name.',
    );
    expect(classNameProblem(classes, null, 'vessels')).toMatch(/taken by the class “Vessels”/);
  });
  it('refuses an empty or overlong name', () => {
    expect(classNameProblem(classes, 4, '   ')).toMatch(/needs a name/);
    expect(classNameProblem(classes, 4, 'x'.repeat(101))).toMatch(/at most 100/);
  });
  it('describes what each role does', () => {
    expect(classRoleText('roi')).toMatch(/built-in/);
    expect(classRoleText(null)).toMatch(/your own/);
  });
});
