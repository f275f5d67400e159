import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_ASSET_KINDS, UploadFileName, type StagedUpload } from '../../../shared/api';
import type { ImportOutcome } from '../../../shared/domain';
import { UserError } from '../errors';
import type { Services } from '../types';
import { toImageRecord } from '../study/repositories';
import type { ServiceContext } from '../study/service-context';
import type { OpenStudy } from '../study/study-session';
import { CACHE_DIR, IMAGES_DIR, STAGING_DIR } from '../study/study-files';
import { realFileInside } from '../study/path-guard';
import { storedImageFile, studySubfolder } from '../study/study-paths';
import { importFile, type SourceFile } from './import-file';
import { assetPath, writePreviews } from './previews';
import { removeAbandonedTemporaryFiles, SizeLimitError, writeStreamCapped } from './stored-files';

type ImportMethods = Pick<Services, 'importImages' | 'importFiles' | 'stageUpload' | 'imageAsset'>;

/** Staged uploads nobody imported (a closed browser tab) are removed after a day. */
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

const gigabytes = (bytes: number) =>
  `${(bytes / 1024 ** 3).toLocaleString('en-US', { maximumFractionDigits: 1 })} GB`;

/** Keep only the last path segment of a name a browser or user supplied. */
const baseName = (fileName: string) =>
  path.basename(fileName.replaceAll('\\', '/')).slice(0, 255) || 'upload';

async function removeStaleUploads(dir: string): Promise<void> {
  const entries = await fsp.readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - STALE_UPLOAD_MS;
  for (const entry of entries) {
    const file = path.join(dir, entry);
    const stat = await fsp.stat(file).catch(() => null);
    if (stat && stat.mtimeMs < cutoff) await fsp.rm(file, { force: true });
  }
}

/** Image import, uploads and the files the image routes serve. */
export function importMethods(ctx: ServiceContext): ImportMethods {
  const { session, events, limits } = ctx;

  async function importSources(
    study: OpenStudy,
    timepointId: number,
    sources: (SourceFile | { missingUpload: string })[],
  ): Promise<ImportOutcome> {
    if (!study.repos.timepoints.get(timepointId)) {
      throw new UserError('NOT_FOUND', `There is no timepoint with id ${timepointId} in this study.`);
    }
    await removeAbandonedTemporaryFiles(await studySubfolder(study.dir, IMAGES_DIR));
    await removeAbandonedTemporaryFiles(await studySubfolder(study.dir, CACHE_DIR));
    const outcome: ImportOutcome = { imported: [], duplicates: [], failed: [] };
    // One file at a time: sharp already uses every core for one image, and memory stays bounded.
    for (const source of sources) {
      if ('missingUpload' in source) {
        outcome.failed.push({
          fileName: source.missingUpload,
          code: 'FILE_NOT_FOUND',
          message: `The upload of ${source.missingUpload} was not found (it was already imported or has expired): add the file again.`,
        });
        continue;
      }
      const result = await importFile(study, timepointId, source, {
        maxImagePixels: limits.maxImagePixels,
        now: ctx.now,
      });
      if (result.kind === 'imported') outcome.imported.push(toImageRecord(result.image));
      else if (result.kind === 'duplicate') {
        outcome.duplicates.push({ fileName: source.fileName, existing: toImageRecord(result.existing) });
      } else outcome.failed.push(result.problem);
    }
    if (outcome.imported.length > 0) events.emit('study-changed', { reason: 'images-imported' });
    return outcome;
  }

  return {
    async importFiles(timepointId, files) {
      const study = await session.requireWritable();
      return importSources(
        study,
        timepointId,
        files.map((file) => ({ path: path.resolve(file.path), fileName: file.fileName })),
      );
    },

    async importImages({ timepointId, uploads }) {
      const study = await session.requireWritable();
      const staging = await studySubfolder(study.dir, STAGING_DIR);
      const sources = uploads.map((upload) => {
        const file = path.join(staging, upload.uploadId);
        return fs.existsSync(file)
          ? { path: file, fileName: baseName(upload.fileName) }
          : { missingUpload: upload.fileName };
      });
      try {
        return await importSources(study, timepointId, sources);
      } finally {
        // Staged bytes are only a vehicle: imported or refused, they are removed.
        for (const upload of uploads) await fsp.rm(path.join(staging, upload.uploadId), { force: true });
      }
    },

    async stageUpload(body, fileName): Promise<StagedUpload> {
      // The transports check the name too; this guards any other caller.
      const checked = UploadFileName.safeParse(fileName);
      if (!checked.success) {
        throw new UserError(
          'INVALID_INPUT',
          `The upload's file name cannot be used: ${checked.error.issues[0]?.message ?? 'it is not a file name'}. Nothing was stored.`,
        );
      }
      const study = await session.requireWritable();
      const staging = await studySubfolder(study.dir, STAGING_DIR);
      await removeStaleUploads(staging);
      const uploadId = randomBytes(18).toString('base64url');
      const name = baseName(checked.data);
      try {
        await writeStreamCapped(body, path.join(staging, uploadId), limits.maxUploadBytes);
      } catch (err) {
        if (err instanceof SizeLimitError) {
          throw new UserError(
            'IMAGE_TOO_LARGE',
            `${name} is larger than the upload limit of ${gigabytes(limits.maxUploadBytes)}. Export a smaller region or a downsampled copy and import that.`,
            { file: name, maxBytes: limits.maxUploadBytes },
          );
        }
        throw err;
      }
      return { uploadId, fileName: name };
    },

    async imageAsset(imageId, kind) {
      const study = await session.require();
      const image = study.repos.images.get(imageId);
      if (!image || !IMAGE_ASSET_KINDS.includes(kind)) {
        throw new UserError('NOT_FOUND', `There is no image ${kind} with id ${imageId} in this study.`);
      }
      const file = assetPath(study.dir, image.sha256, kind);
      if (!(await isIntactPreview(study.dir, file)))
        await regeneratePreviews(study, image, limits.maxImagePixels);
      return { path: file, contentType: 'image/jpeg' };
    },
  };
}

/**
 * Whether a cached preview can be served: a regular file inside the study that is a whole JPEG (starts
 * with SOI and ends with EOI). A crash or power cut while it was written, a full disk or a copy
 * interrupted can leave it empty or cut short; a browser would show nothing, so it is rebuilt instead.
 */
async function isIntactPreview(studyDir: string, file: string): Promise<boolean> {
  const real = await realFileInside(studyDir, file);
  if (real === null) return false;
  const handle = await fsp.open(real, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size < 5) return false;
    const head = Buffer.alloc(3);
    const tail = Buffer.alloc(2);
    await handle.read(head, 0, 3, 0);
    await handle.read(tail, 0, 2, size - 2);
    return head.equals(JPEG_START) && tail.equals(JPEG_END);
  } finally {
    await handle.close();
  }
}

const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);
const JPEG_END = Buffer.from([0xff, 0xd9]);

/** cache/ is disposable: rebuild an image's preview and thumbnail from its stored copy. */
async function regeneratePreviews(
  study: OpenStudy,
  image: NonNullable<ReturnType<OpenStudy['repos']['images']['get']>>,
  maxImagePixels: number,
): Promise<void> {
  const stored = await storedImageFile(study.dir, image);
  if (study.readOnly) {
    throw new UserError(
      'STUDY_READ_ONLY',
      `The preview of ${image.fileName} is missing or damaged and the study is read-only, so it cannot be rebuilt. Copy the study to a writable folder.`,
      { file: image.fileName },
    );
  }
  const size = await writePreviews(stored, image.colourFix, study.dir, image.sha256, maxImagePixels);
  if (size.previewWidth !== image.previewWidth || size.previewHeight !== image.previewHeight) {
    study.repos.images.setPreviewSize(image.id, size.previewWidth, size.previewHeight);
  }
}
