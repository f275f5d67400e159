/**
 * The one service API, declared once. The Electron IPC handler, the HTTP bridge and the CLI all serve
 * these methods from the same services object; the renderer's client type is derived from it.
 *
 * Each method has an input schema (validated at every boundary) and an output schema (the shape the
 * caller receives inside a Result). Inputs and outputs are JSON-safe.
 */
import { z } from 'zod';
import {
  Id,
  IsoDate,
  CalibrationSource,
  StudyView,
  Subject,
  Timepoint,
  ImageRecord,
  ImportOutcome,
} from './domain';
import type { Result } from './result';
import { analysisApiSchema } from './analysis/api-schemas';
import { annotationApi } from './api-annotations';
import { annotationImportApi } from './api-annotation-import';
import { StagedUpload, UploadFileName } from './api-uploads';
import { studyAnalysisApi, type StudyAnalysisProgress } from './api-study-analysis';
import { studyResultsApi } from './api-study-results';

const SubjectCode = z
  .string()
  .trim()
  .min(1, 'a subject code cannot be empty')
  .max(64, 'a subject code has at most 64 characters');
const Label = z
  .string()
  .trim()
  .min(1, 'a label cannot be empty')
  .max(100, 'a label has at most 100 characters');

export { StagedUpload, UploadFileName } from './api-uploads';

export const apiSchema = {
  /** The open study with its subjects, timepoints and images; null when no study is open yet. */
  getStudy: { input: z.object({}), output: StudyView.nullable() },
  /** Create a study in the session's study folder (browser mode: the --study DIR). */
  createStudy: {
    input: z.object({ name: z.string().trim().min(1, 'a study needs a name').max(200) }),
    output: StudyView,
  },
  addSubject: { input: z.object({ code: SubjectCode }), output: Subject },
  renameSubject: { input: z.object({ subjectId: Id, code: SubjectCode }), output: Subject },
  addTimepoint: {
    input: z.object({
      subjectId: Id,
      label: Label,
      session: z.number().int().min(0).max(1000).nullable().default(null),
      date: IsoDate.nullable().default(null),
    }),
    output: Timepoint,
  },
  updateTimepoint: {
    input: z.object({
      timepointId: Id,
      label: Label,
      session: z.number().int().min(0).max(1000).nullable(),
      date: IsoDate.nullable(),
    }),
    output: Timepoint,
  },
  /** Import staged uploads into a timepoint: content-addressed copy, metadata, preview. */
  importImages: {
    input: z.object({ timepointId: Id, uploads: z.array(StagedUpload).min(1).max(500) }),
    output: ImportOutcome,
  },
  setCalibration: {
    input: z.object({
      imageId: Id,
      umPerPx: z
        .number()
        .min(0.01, 'um per pixel must be at least 0.01 (no light microscope resolves finer)')
        .max(1000, 'um per pixel must be at most 1000'),
      source: CalibrationSource,
      /**
       * Other images to calibrate the same way (e.g. every image taken with the same objective); each
       * records that its value was applied from `imageId`. All or nothing: none may be locked.
       */
      alsoImageIds: z.array(Id).max(10_000).optional(),
    }),
    /** The image `imageId`, as calibrated. */
    output: ImageRecord,
  },
  ...annotationApi,
  ...annotationImportApi,
  ...analysisApiSchema,
  ...studyResultsApi,
  ...studyAnalysisApi,
} as const;

export type ApiSchema = typeof apiSchema;
export type ApiMethod = keyof ApiSchema;
/** Runtime allow-list: the transports refuse any method name not on it. */
export const API_METHODS = Object.keys(apiSchema) as ApiMethod[];
export const isApiMethod = (name: unknown): name is ApiMethod =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiSchema, name);

/** What a caller passes (defaults may be omitted). */
export type ApiInput<M extends ApiMethod> = z.input<ApiSchema[M]['input']>;
/** What a service receives after validation (defaults filled in). */
export type ApiParsedInput<M extends ApiMethod> = z.output<ApiSchema[M]['input']>;
export type ApiOutput<M extends ApiMethod> = z.output<ApiSchema[M]['output']>;

/** The services object: plain async functions that throw a UserError (main/services/errors.ts). */
export type ApiServices = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> };

/** The client the renderer and tests use: every call resolves to a Result, never rejects. */
export type ApiClient = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<Result<ApiOutput<M>>> };

/** Events pushed from the Node side to the renderer (IPC 'on' or the HTTP bridge's event stream). */
export const EVENT_NAMES = [
  'study-changed',
  'menu-command',
  'analysis-progress',
  'annotations-changed',
  'study-analysis-progress',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export interface EventPayloads {
  'study-changed': { reason: string };
  'menu-command': { command: 'import-images' | 'new-study' | 'open-study' };
  'analysis-progress': { jobId: string; done: number; total: number };
  /** An image's annotations (or their lock) were saved, copied onto it or locked/unlocked. */
  'annotations-changed': { imageId: number };
  /** A study's analysis (analyzeStudy) started an image or finished one. */
  'study-analysis-progress': StudyAnalysisProgress;
}

/**
 * Uploads are not JSON methods: each transport carries the bytes its own way. HTTP: `POST /upload` with
 * the raw file as body and `?name=FILE`. Electron: in chunks over the one invoke channel, so a file of
 * several GB is never held whole in memory nor sent as one IPC message: `uploadBegin { fileName, size }`
 * answers `{ uploadId }`, then `uploadChunk { uploadId, offset, bytes }` in order (bytes a Uint8Array of
 * at most UPLOAD_CHUNK_MAX_BYTES), then `uploadEnd { uploadId }`, or `uploadAbort { uploadId }`. Both
 * stage the file inside the study folder and answer `Result<StagedUpload>`; `importImages` then imports
 * staged uploads by id.
 */
export const UPLOAD_METHODS = {
  begin: 'uploadBegin',
  chunk: 'uploadChunk',
  end: 'uploadEnd',
  abort: 'uploadAbort',
} as const;
/** The slice the Electron renderer reads and sends at a time. */
export const UPLOAD_SLICE_BYTES = 8 * 1024 * 1024;
/** The largest chunk the Electron main process accepts. */
export const UPLOAD_CHUNK_MAX_BYTES = 16 * 1024 * 1024;
export const UploadMeta = z.object({ fileName: UploadFileName });

/** Kinds of image asset the image routes serve (HTTP `/image/ID/KIND`, Electron `dq-image://image/ID/KIND`). */
export const IMAGE_ASSET_KINDS = ['preview', 'thumbnail'] as const;
export type ImageAssetKind = (typeof IMAGE_ASSET_KINDS)[number];

/**
 * A tile of an image's pyramid (shared/geometry/tiles.ts), served like the assets but by address:
 * HTTP `/image/ID/tile/LEVEL/X/Y`, Electron `dq-image://image/ID/tile/LEVEL/X/Y`. Not a JSON method:
 * the answer is a JPEG. Whether the address exists in that image's pyramid is checked by the service.
 */
export const ImageTileRequest = z.object({
  imageId: Id,
  level: z.number().int().min(0).max(64),
  x: z.number().int().min(0),
  y: z.number().int().min(0),
});
export type ImageTileRequest = z.infer<typeof ImageTileRequest>;
