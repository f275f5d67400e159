/**
 * Importing annotations drawn elsewhere (QuPath GeoJSON, ImageJ .roi, ImageJ RoiSet .zip) into an
 * image: one method, shared by the editor, browser mode and `dermaquant study annotations --import`.
 * The file travels as a staged upload (see UPLOAD_METHODS in api.ts), so its bytes never pass through JSON.
 */
import { z } from 'zod';
import { AnnotationClassSchema } from './annotations/types';
import { Id } from './domain';
import { StagedUpload } from './api-uploads';
import { ANNOTATION_FILE_FORMATS } from './formats/annotation-file';

export const ImportedShape = z.object({
  id: z.string(),
  name: z.string(),
  classId: Id,
  className: z.string(),
  /** Stored differently from the file: clipped to the image or split where its outline crossed itself. */
  adjusted: z.boolean(),
});

export const SkippedShape = z.object({
  /** Where in the file: "feature 3", "0001-0002.roi". */
  source: z.string(),
  name: z.string().nullable(),
  reason: z.string(),
});
export type SkippedShape = z.infer<typeof SkippedShape>;

export const AnnotationImportReport = z.object({
  fileName: z.string(),
  format: z.enum(ANNOTATION_FILE_FORMATS),
  imported: z.array(ImportedShape),
  /** User classes made for classification names the study did not have. */
  createdClasses: z.array(AnnotationClassSchema),
  skipped: z.array(SkippedShape),
  /** Things that did not stop the import but may mean it is wrong (shapes reaching beyond the image). */
  warnings: z.array(z.string()),
});
export type AnnotationImportReport = z.infer<typeof AnnotationImportReport>;

export const annotationImportApi = {
  /**
   * Adds the areas of an annotation file to an image's annotations, in one transaction: every shape is
   * clipped to the image and repaired (or skipped with the reason) as saveAnnotationChanges does.
   * `classId` puts every shape in that class; without it, classification names are matched to the
   * study's classes (shared/annotations/import-classes.ts). Refused with LOCKED on a locked image;
   * nothing is written when the file cannot be read or holds no area to import.
   */
  importAnnotations: {
    input: z.object({ imageId: Id, upload: StagedUpload, classId: Id.optional() }),
    output: AnnotationImportReport,
  },
} as const;
