import sharp from 'sharp';
import { expect } from 'vitest';
import { createServices, type ServicesOptions } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import { tissueRgb } from './synthetic-images';

/** A PNG of the synthetic tissue at any size (odd ones included). */
export async function writeTissuePng(file: string, width: number, height: number, seed = 0): Promise<string> {
  await sharp(tissueRgb(width, height, seed), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

/** A new study at `studyDir` with one subject and timepoint holding `files`, imported by path. */
export async function studyWithFiles(
  studyDir: string,
  files: { file: string; fileName: string }[],
  options: Omit<ServicesOptions, 'studyDir'> = {},
): Promise<{ services: Services; ids: number[] }> {
  const services = createServices({ studyDir: null, ...options });
  await services.createStudyAt(studyDir, 'Image study');
  const subject = await services.addSubject({ code: 'S-01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'T0',
    session: null,
    date: null,
  });
  const outcome = await services.importFiles(
    timepoint.id,
    files.map((f) => ({ path: f.file, fileName: f.fileName })),
  );
  expect(outcome.failed).toEqual([]);
  return { services, ids: outcome.imported.map((i) => i.id) };
}
