/**
 * Exports in the desktop app: the renderer asks (`invoke('exportStudyFile', { format, ... })`), the main
 * process builds the file with the services (main/services/reports/study-exports.ts, as the CLI and the
 * browser download do), asks where to put it with a save dialog (a folder dialog for the GeoJSON files)
 * and writes atomically with the CLI's export writer. The renderer never names a path.
 */
import path from 'node:path';
import type { BrowserWindow, Dialog, SaveDialogOptions } from 'electron';
import { StudyExportRequest, type ExportOutcome } from '../../shared/api-study-export';
import { fail, ok, type Result } from '../../shared/result';
import { validationMessage } from '../../shared/validation-message';
import { checkExportTarget, writeExportFile } from '../cli/export-files';
import { toApiError } from '../services/errors';
import { studyCsvFile, studyGeoJsonFiles, studyPdfFile } from '../services/reports/study-exports';
import type { Services } from '../services/types';
import { chooseFolder } from './menu';

export interface ExportDialogDeps {
  services: Services;
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog' | 'showMessageBox'>;
  getWindow: () => BrowserWindow | null;
}

const FILTERS = {
  csv: [{ name: 'CSV (spreadsheets)', extensions: ['csv'] }],
  pdf: [{ name: 'PDF report', extensions: ['pdf'] }],
};

async function chooseFile(deps: ExportDialogDeps, options: SaveDialogOptions): Promise<string | null> {
  const win = deps.getWindow();
  const choice = await (win ? deps.dialog.showSaveDialog(win, options) : deps.dialog.showSaveDialog(options));
  return choice.canceled || !choice.filePath ? null : choice.filePath;
}

const cancelled: ExportOutcome = { written: [], cancelled: true };

/** CSV or PDF: one file where the user chose (the dialog already asked before replacing one). */
async function exportOneFile(deps: ExportDialogDeps, request: StudyExportRequest): Promise<ExportOutcome> {
  const file =
    request.format === 'csv' ? await studyCsvFile(deps.services) : await studyPdfFile(deps.services, request);
  const target = await chooseFile(deps, {
    title: request.format === 'csv' ? 'Export the results as CSV' : 'Save the comparison report',
    defaultPath: file.fileName,
    filters: request.format === 'csv' ? FILTERS.csv : FILTERS.pdf,
  });
  if (target === null) return cancelled;
  await writeExportFile(target, file.bytes, true);
  return { written: [target], cancelled: false };
}

/** GeoJSON: one file per image in a chosen folder; existing files are never replaced. */
async function exportGeoJsonFolder(deps: ExportDialogDeps): Promise<ExportOutcome> {
  const files = await studyGeoJsonFiles(deps.services);
  const dir = await chooseFolder(deps, 'Export the annotations as QuPath GeoJSON', 'Export here');
  if (dir === null) return cancelled;
  const targets = files.map((f) => path.join(dir, f.fileName));
  // All checked before the first is written: a refusal leaves nothing half exported.
  for (const target of targets) await checkExportTarget(target, false);
  for (const [i, f] of files.entries()) await writeExportFile(targets[i]!, f.text, false);
  return { written: targets, cancelled: false };
}

export function createExportHandler(deps: ExportDialogDeps): (input: unknown) => Promise<Result<unknown>> {
  return async (input) => {
    const parsed = StudyExportRequest.safeParse(input ?? {});
    if (!parsed.success)
      return fail('INVALID_INPUT', validationMessage('Invalid export request', parsed.error));
    try {
      const outcome =
        parsed.data.format === 'geojson'
          ? await exportGeoJsonFolder(deps)
          : await exportOneFile(deps, parsed.data);
      return ok(outcome);
    } catch (err) {
      return { ok: false, error: toApiError(err, 'the export') };
    }
  };
}
