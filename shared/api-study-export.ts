/**
 * What the Results screen asks to export, and how each transport receives it: browser mode as a
 * download (`GET /export/<format>?baseline=&followup=&measure=`, behind the same token and Host checks
 * as every route), Electron through a save dialog in the main process (`invoke('exportStudyFile', ...)`).
 * Not JSON methods: the answer is a file. The CLI's `study export` writes the same bytes.
 */
import { z } from 'zod';

export const EXPORT_FORMATS = ['csv', 'pdf', 'geojson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const Label = z.string().trim().min(1).max(100);

export const StudyExportRequest = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** The report's timepoints (PDF only); default: the earliest and the latest session. */
  baseline: Label.optional(),
  followup: Label.optional(),
  measure: z.enum(['fraction', 'area']).default('fraction'),
});
export type StudyExportRequest = z.infer<typeof StudyExportRequest>;

/** The Electron preload's invoke name for an export (answered with a Result, like an API method). */
export const EXPORT_METHOD = 'exportStudyFile';

/** What an Electron export did: where it wrote, or that the user cancelled the dialog. */
export const ExportOutcome = z.object({
  written: z.array(z.string()),
  cancelled: z.boolean(),
});
export type ExportOutcome = z.infer<typeof ExportOutcome>;
