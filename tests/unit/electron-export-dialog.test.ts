/**
 * The desktop app's exports: the IPC handler routes `exportStudyFile` to the main process, which builds
 * the file with the services, asks where to save it (the dialog is stood in for; Electron's binary is
 * not needed) and writes it atomically. Real services on a real, analysed study in a temporary folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExportHandler } from '../../main/electron/export-dialog';
import { createInvokeHandler } from '../../main/electron/ipc';
import { createServices } from '../../main/services/index';
import { studyCsvFile } from '../../main/services/reports/study-exports';
import type { Services } from '../../main/services/types';
import { AnalysisProtocol } from '../../shared/analysis/protocol';
import { EXPORT_METHOD } from '../../shared/api-study-export';
import type { Result } from '../../shared/result';
import { writeStainedBlockPng } from '../helpers/cli-run';
import { useTempDirs } from '../helpers/temp-dir';

const APP = 'app://dermaquant/index.html';
const tempDir = useTempDirs('dq-electron-export-');
const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function analysedStudy(root: string): Promise<Services> {
  const services = createServices({ studyDir: path.join(root, 'study') });
  open.push(services);
  await services.createStudy({ name: 'Pilot' });
  const subject = await services.addSubject({ code: 'S01' });
  for (const [session, label] of ['baseline', 'week-12'].entries()) {
    const tp = await services.addTimepoint({ subjectId: subject.id, label, session, date: null });
    const file = await writeStainedBlockPng(
      path.join(root, 'src', `${label}.png`),
      300 + session * 400,
      session,
    );
    await services.importFiles(tp.id, [{ path: file, fileName: path.basename(file) }]);
  }
  const protocol = AnalysisProtocol.parse({ threshold: { method: 'fixed', od: 0.15 }, tissue: 'none' });
  await services.setAnalysisProtocol({ protocol, unlock: false });
  await services.analyzeStudy({ redo: false });
  return services;
}

function fakeDialog(answers: { file?: string | null; folder?: string | null }) {
  return {
    showSaveDialog: vi.fn(async (..._args: unknown[]) => ({
      canceled: answers.file == null,
      filePath: answers.file ?? '',
    })),
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({
      canceled: answers.folder == null,
      filePaths: answers.folder ? [answers.folder] : [],
    })),
    showMessageBox: vi.fn(),
  };
}

function handlerWith(
  services: Services,
  dialog: ReturnType<typeof fakeDialog>,
  win: BrowserWindow | null = null,
) {
  return createInvokeHandler({
    services,
    chooseNewStudyFolder: async () => null,
    exportStudyFile: createExportHandler({
      services,
      dialog: dialog as unknown as Pick<Dialog, 'showSaveDialog' | 'showOpenDialog' | 'showMessageBox'>,
      getWindow: () => win,
    }),
  });
}

const valueOf = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
};

describe('exportStudyFile over IPC', () => {
  it('saves the CSV where the save dialog points, with the bytes the CLI writes', async () => {
    const root = tempDir();
    const services = await analysedStudy(root);
    const target = path.join(root, 'chosen.csv');
    const dialog = fakeDialog({ file: target });
    const win = { id: 1 } as unknown as BrowserWindow;
    const outcome = valueOf(await handlerWith(services, dialog, win)(APP, EXPORT_METHOD, { format: 'csv' }));
    expect(outcome).toEqual({ written: [target], cancelled: false });
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      win,
      expect.objectContaining({
        defaultPath: 'Pilot results.csv',
        filters: [{ name: 'CSV (spreadsheets)', extensions: ['csv'] }],
      }),
    );
    expect(fs.readFileSync(target).equals((await studyCsvFile(services)).bytes)).toBe(true);
    // Nothing but the file: the temporary file of the atomic write is gone.
    expect(fs.readdirSync(root).sort()).toEqual(['chosen.csv', 'src', 'study']);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const root = tempDir();
    const services = await analysedStudy(root);
    const dialog = fakeDialog({ file: null });
    const outcome = valueOf(await handlerWith(services, dialog)(APP, EXPORT_METHOD, { format: 'pdf' }));
    expect(outcome).toEqual({ written: [], cancelled: true });
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: 'Pilot report.pdf' }),
    );
    expect(fs.readdirSync(root).sort()).toEqual(['src', 'study']);
  });

  it('saves the comparison report for the chosen timepoints', async () => {
    const root = tempDir();
    const services = await analysedStudy(root);
    const target = path.join(root, 'report.pdf');
    const request = { format: 'pdf', baseline: 'baseline', followup: 'week-12', measure: 'fraction' };
    valueOf(await handlerWith(services, fakeDialog({ file: target }))(APP, EXPORT_METHOD, request));
    expect(fs.readFileSync(target).subarray(0, 5).toString()).toBe('%PDF-');
    const unknown = await handlerWith(services, fakeDialog({ file: target }))(APP, EXPORT_METHOD, {
      ...request,
      baseline: 'before',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('writes one GeoJSON file per image into the chosen folder, and never over existing files', async () => {
    const root = tempDir();
    const services = await analysedStudy(root);
    const folder = path.join(root, 'geojson');
    fs.mkdirSync(folder);
    const dialog = fakeDialog({ folder });
    const outcome = valueOf<{ written: string[] }>(
      await handlerWith(services, dialog)(APP, EXPORT_METHOD, { format: 'geojson' }),
    );
    expect(outcome.written.map((f) => path.basename(f))).toEqual([
      'S01_baseline_baseline.geojson',
      'S01_week-12_week-12.geojson',
    ]);
    expect(JSON.parse(fs.readFileSync(outcome.written[0]!, 'utf8'))).toMatchObject({
      type: 'FeatureCollection',
    });
    const again = await handlerWith(services, dialog)(APP, EXPORT_METHOD, { format: 'geojson' });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('already exists') },
    });
  });

  it('refuses a bad request and a caller that is not the app window', async () => {
    const root = tempDir();
    const services = await analysedStudy(root);
    const dialog = fakeDialog({ file: path.join(root, 'x.csv') });
    const handler = handlerWith(services, dialog);
    expect(await handler(APP, EXPORT_METHOD, { format: 'xlsx' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await handler('https://evil.example/', EXPORT_METHOD, { format: 'csv' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });
});
