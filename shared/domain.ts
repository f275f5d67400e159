/**
 * Domain entities as zod schemas: the same definitions validate data at the process boundaries and give
 * the TypeScript types. All coordinates are full-resolution image pixels (origin top-left, x right,
 * y down); the camera (zoom, pan) is view state and never appears here.
 */
import { z } from 'zod';

export const Id = z.number().int().positive();
export type Id = z.infer<typeof Id>;

/** ISO date YYYY-MM-DD (a calendar date, no time zone). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const CalibrationSource = z.enum(['file', 'typed', 'scale-bar']);
export type CalibrationSource = z.infer<typeof CalibrationSource>;

export const ImageFormat = z.enum(['jpeg', 'png', 'tiff', 'svs']);
export type ImageFormat = z.infer<typeof ImageFormat>;

export const StudyInfo = z.object({
  name: z.string(),
  dir: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  readOnly: z.boolean(),
});
export type StudyInfo = z.infer<typeof StudyInfo>;

export const Subject = z.object({
  id: Id,
  code: z.string(),
  notes: z.string(),
});
export type Subject = z.infer<typeof Subject>;

export const Timepoint = z.object({
  id: Id,
  subjectId: Id,
  label: z.string(),
  session: z.number().int().nullable(),
  date: IsoDate.nullable(),
});
export type Timepoint = z.infer<typeof Timepoint>;

export const ImageRecord = z.object({
  id: Id,
  timepointId: Id,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The original file name (not the path: originals are never touched again after import). */
  fileName: z.string(),
  format: ImageFormat,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  byteSize: z.number().int().nonnegative(),
  bitDepth: z.number().int(),
  channels: z.number().int(),
  pages: z.number().int().positive(),
  umPerPx: z.number().positive().nullable(),
  calibrationSource: CalibrationSource.nullable(),
  stain: z.string().nullable(),
  /** Size of the display preview, whose pixels map onto the full image by width / previewWidth. */
  previewWidth: z.number().int().positive(),
  previewHeight: z.number().int().positive(),
  locked: z.boolean(),
  importedAt: z.string(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const TimepointView = Timepoint.extend({ images: z.array(ImageRecord) });
export type TimepointView = z.infer<typeof TimepointView>;

export const SubjectView = Subject.extend({ timepoints: z.array(TimepointView) });
export type SubjectView = z.infer<typeof SubjectView>;

/** Everything the study screen shows, in one round trip. */
export const StudyView = z.object({
  study: StudyInfo,
  subjects: z.array(SubjectView),
});
export type StudyView = z.infer<typeof StudyView>;

export const ImportProblem = z.object({
  fileName: z.string(),
  code: z.string(),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const ImportOutcome = z.object({
  imported: z.array(ImageRecord),
  /** Files whose SHA-256 matched an image already in the study: recognised, not copied again. */
  duplicates: z.array(z.object({ fileName: z.string(), existing: ImageRecord })),
  failed: z.array(ImportProblem),
});
export type ImportOutcome = z.infer<typeof ImportOutcome>;
