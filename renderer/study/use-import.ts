import { useCallback, useState } from 'react';
import type { StagedUpload } from '../../shared/api';
import type { ImportOutcome } from '../../shared/domain';
import { useAppApi } from '../api/api-context';

export interface ImportTarget {
  timepointId: number;
  /** For the report's heading: "S01 · Baseline". */
  description: string;
}

export interface ImportReportData extends ImportOutcome {
  target: ImportTarget;
}

export interface ImportProgress {
  timepointId: number;
  done: number;
  total: number;
}

/**
 * Upload files one by one (each is staged in the study folder), then import the staged files in one
 * call. Every file ends up in the report: imported, recognised as a duplicate, or failed with the
 * server's own message.
 */
export function useImporter(refresh: () => Promise<void>) {
  const { api, upload } = useAppApi();
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReportData | null>(null);

  const importFiles = useCallback(
    async (target: ImportTarget, files: File[]) => {
      if (files.length === 0) return;
      const outcome: ImportOutcome = { imported: [], duplicates: [], failed: [] };
      const staged: StagedUpload[] = [];
      setReport(null);
      for (const [index, file] of files.entries()) {
        setProgress({ timepointId: target.timepointId, done: index, total: files.length });
        const result = await upload(file);
        if (result.ok) staged.push(result.value);
        else
          outcome.failed.push({
            fileName: file.name,
            code: result.error.code,
            message: result.error.message,
          });
      }
      if (staged.length > 0) {
        setProgress({ timepointId: target.timepointId, done: files.length, total: files.length });
        const result = await api.importImages({ timepointId: target.timepointId, uploads: staged });
        if (result.ok) {
          outcome.imported.push(...result.value.imported);
          outcome.duplicates.push(...result.value.duplicates);
          outcome.failed.push(...result.value.failed);
        } else {
          // The whole call was refused (e.g. a read-only study): every staged file failed for that reason.
          for (const upload of staged) {
            outcome.failed.push({
              fileName: upload.fileName,
              code: result.error.code,
              message: result.error.message,
            });
          }
        }
      }
      setProgress(null);
      setReport({ ...outcome, target });
      await refresh();
    },
    [api, upload, refresh],
  );

  return { importFiles, progress, report, dismissReport: () => setReport(null) };
}
