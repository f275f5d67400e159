/**
 * API methods of the annotation editor (issue 4). Spread into `apiSchema` in shared/api.ts; kept in
 * their own module so each capability's contract stays small. Coordinates are full-resolution image
 * pixels; annotation ids are stable client-made strings (UUIDs), so undo/redo patches keyed by id stay
 * valid across saves.
 */
import { z } from 'zod';
import { Id, ImageRecord } from './domain';
import { AnalysisProtocol } from './analysis/protocol';
import {
  AnnotationClassSchema,
  AnnotationSchema,
  EncodedMaskSchema,
  geometryNumbers,
  MAX_NUMBERS_PER_SAVE,
  PolygonSchema,
} from './annotations/types';

const ClassName = z.string().trim().min(1, 'a class needs a name').max(100);
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is written #rrggbb');

export const ImageAnnotations = z.object({
  imageId: Id,
  locked: z.boolean(),
  annotations: z.array(AnnotationSchema),
});
export type ImageAnnotations = z.infer<typeof ImageAnnotations>;

export const annotationApi = {
  /** The study's classes: the four built-in ones (roles roi, exclude, stained, unstained) and user-defined ones. */
  listAnnotationClasses: { input: z.object({}), output: z.array(AnnotationClassSchema) },
  addAnnotationClass: {
    input: z.object({ name: ClassName, colour: Colour }),
    output: AnnotationClassSchema,
  },
  updateAnnotationClass: {
    input: z.object({ classId: Id, name: ClassName, colour: Colour }),
    output: AnnotationClassSchema,
  },
  getImageAnnotations: { input: z.object({ imageId: Id }), output: ImageAnnotations },
  /**
   * Autosave after each gesture: upsert `put` (by id) and delete `remove`, in one transaction.
   * Refused with LOCKED when the image is locked.
   */
  saveAnnotationChanges: {
    input: z
      .object({
        imageId: Id,
        put: z.array(AnnotationSchema).max(10_000),
        remove: z.array(z.string().min(1).max(64)).max(10_000),
      })
      .refine(
        (save) => save.put.reduce((sum, a) => sum + geometryNumbers(a.geometry), 0) <= MAX_NUMBERS_PER_SAVE,
        {
          message: `one save holds at most ${MAX_NUMBERS_PER_SAVE} coordinates and mask runs: save the shapes in smaller batches`,
          path: ['put'],
        },
      ),
    output: z.object({
      savedAt: z.string(),
      /** Annotations written plus annotations deleted (ids already gone count as nothing). */
      count: z.number().int(),
      /**
       * Annotations stored differently from what was sent (clipped to the image, or split where the
       * outline crossed itself), in their stored form: the editor replaces its copies with these.
       */
      adjusted: z.array(AnnotationSchema),
    }),
  },
  /** Lock a finished image against edits, or unlock it; both are recorded in the audit trail. */
  setImageLock: {
    input: z.object({ imageId: Id, locked: z.boolean(), reason: z.string().max(500).default('') }),
    output: ImageRecord,
  },
  /** Copy annotations of the given classes to another image (e.g. the ROI from before to after). */
  copyAnnotations: {
    input: z.object({ fromImageId: Id, toImageId: Id, classIds: z.array(Id).min(1).max(1_000) }),
    output: z.object({ copied: z.number().int() }),
  },
  /**
   * Run the stain analysis at full resolution inside a region and return the stained pixels as a
   * mask, which the editor adds as an editable "Stained collagen" annotation.
   */
  detectStainInRegion: {
    input: z.object({
      imageId: Id,
      region: PolygonSchema,
      /**
       * The analysis settings to detect with (e.g. the stain panel's, so the mask matches what it
       * shows); absent: the study's protocol, or the default preset when the study has none.
       */
      protocol: AnalysisProtocol.optional(),
    }),
    output: z.object({ mask: EncodedMaskSchema, stainedPx: z.number().int(), analyzedPx: z.number().int() }),
  },
} as const;
