/**
 * Annotation classes of the study: the four built-in ones (their role drives the measurements, so a
 * rename or a new colour never changes what they do) and the user's own, with unique names.
 */
import type { AnnotationClass } from '../../../shared/annotations/types';
import { UserError } from '../errors';
import type { AnnotationClass as StoredClass } from '../study/repositories/annotation-class-repository';
import type { ServiceContext } from '../study/service-context';
import { isUniqueViolation } from '../study/sqlite-errors';
import type { Services } from '../types';

type ClassMethods = Pick<Services, 'listAnnotationClasses' | 'addAnnotationClass' | 'updateAnnotationClass'>;

export const toApiClass = (c: StoredClass): AnnotationClass => ({
  id: c.id,
  name: c.name,
  colour: c.colour,
  role: c.role,
});

const nameTaken = (name: string, holderName: string) =>
  new UserError(
    'CONFLICT',
    `The class name "${name}" is already taken by the class "${holderName}" in this study (names ignore case): choose another name.`,
    { name },
  );

/** Names are unique regardless of case (the table's COLLATE NOCASE), so "dermis" clashes with "Dermis". */
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function classMethods(ctx: ServiceContext): ClassMethods {
  const { session } = ctx;
  return {
    async listAnnotationClasses() {
      const study = await session.require();
      return study.repos.annotationClasses.list().map(toApiClass);
    },

    async addAnnotationClass({ name, colour }) {
      const study = await session.requireWritable();
      const classes = study.repos.annotationClasses;
      const holder = classes.list().find((c) => sameName(c.name, name));
      if (holder) throw nameTaken(name, holder.name);
      try {
        return toApiClass(classes.insert(name, colour, ctx.now()));
      } catch (err) {
        // Another connection may have taken the name between the check and the insert.
        if (isUniqueViolation(err)) throw nameTaken(name, name);
        throw err;
      }
    },

    async updateAnnotationClass({ classId, name, colour }) {
      const study = await session.requireWritable();
      const classes = study.repos.annotationClasses;
      const all = classes.list();
      const target = all.find((c) => c.id === classId);
      if (!target) {
        throw new UserError(
          'NOT_FOUND',
          `There is no annotation class with id ${classId} in this study: reload the class list.`,
        );
      }
      const holder = all.find((c) => c.id !== classId && sameName(c.name, name));
      if (holder) throw nameTaken(name, holder.name);
      classes.update(classId, name, colour);
      return toApiClass(classes.get(classId) ?? target);
    },
  };
}
