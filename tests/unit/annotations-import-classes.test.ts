import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IMPORT_COLOUR,
  importClassFor,
  importedClassName,
} from '../../shared/annotations/import-classes';
import type { AnnotationClass } from '../../shared/annotations/types';

const classes: AnnotationClass[] = [
  { id: 1, name: 'Region of interest', colour: '#2f80ed', role: 'roi' },
  { id: 2, name: 'Exclude', colour: '#828282', role: 'exclude' },
  { id: 3, name: 'Stained collagen', colour: '#9b51e0', role: 'stained' },
  { id: 4, name: 'Not stained', colour: '#bdbdbd', role: 'unstained' },
  { id: 5, name: 'Dermis', colour: '#ff8ca0', role: null },
];

const idOf = (name: string | null) => {
  const target = importClassFor(name, [1, 2, 3], classes);
  return target && 'existing' in target ? target.existing.id : target;
};

describe('classes of imported shapes', () => {
  it('an existing class by name, ignoring case', () => {
    expect(idOf('dermis')).toBe(5);
    expect(idOf('STAINED COLLAGEN')).toBe(3);
    expect(idOf('exclude')).toBe(2);
  });

  it("QuPath's conventions and unclassified shapes go to the region of interest or the exclusion", () => {
    for (const name of ['Region*', 'region', 'Tissue', 'ROI', null, '  '])
      expect(idOf(name), String(name)).toBe(1);
    for (const name of ['Ignore*', 'ignore', 'Excluded']) expect(idOf(name), name).toBe(2);
  });

  it('an unknown name becomes a new class in the file’s colour, or orange without one', () => {
    expect(importClassFor('Epidermis', [160, 90, 160], classes)).toEqual({
      create: { name: 'Epidermis', colour: '#a05aa0', key: 'epidermis' },
    });
    expect(importClassFor('Vessel', null, classes)).toMatchObject({
      create: { colour: DEFAULT_IMPORT_COLOUR },
    });
    // "Regions" is not QuPath's Region* class: it is a name of its own.
    expect(importClassFor('Regions', null, classes)).toMatchObject({ create: { name: 'Regions' } });
  });

  it('a chosen class wins over every rule', () => {
    expect(importClassFor('Tissue', null, classes, classes[2])).toEqual({ existing: classes[2] });
    expect(importClassFor(null, null, classes, classes[4])).toEqual({ existing: classes[4] });
  });

  it('class names from a file are cleaned: control characters out, at most 100 characters', () => {
    expect(importedClassName(' Ves\u0007sel\u202e ')).toBe('Vessel');
    expect(importedClassName('x'.repeat(150))).toHaveLength(100);
  });

  it('null when the study lacks the built-in class a rule needs', () => {
    expect(importClassFor(null, null, classes.slice(1))).toBeNull();
  });
});
