import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { ImageRecord, type CalibrationSource } from '../../../../shared/domain';
import { UserError } from '../../errors';
import { isExpectedStoredName } from '../study-paths';

/** How the stored copy must be decoded to give correct pixels (see images/colour-fix.ts). */
export type ColourFix = 'ycbcr-tagged-rgb';

/** Everything stored about an image, including what only the Node side needs. */
export interface StoredImage extends ImageRecord {
  /** File name of the content-addressed copy inside images/ (`<sha256>.<ext>`). */
  storedName: string;
  colourFix: ColourFix | null;
}

export type NewImage = Omit<StoredImage, 'id' | 'locked'>;

const COLUMNS = `id, timepoint_id AS timepointId, sha256, file_name AS fileName, stored_name AS storedName,
  format, width, height, byte_size AS byteSize, bit_depth AS bitDepth, channels, pages,
  um_per_px AS umPerPx, calibration_source AS calibrationSource, stain,
  preview_width AS previewWidth, preview_height AS previewHeight, colour_fix AS colourFix,
  locked, imported_at AS importedAt`;

type ImageRow = Omit<StoredImage, 'locked'> & { locked: number };

/**
 * What a row must hold to be used. A study database can come from anywhere (and SQLite lets a damaged
 * or edited file hold anything), so rows are checked on the way out, before a path is ever built from
 * them: above all, the stored name must be exactly `<sha256>.<ext>` of the image's own hash and format.
 */
const StoredImageRow = ImageRecord.extend({
  storedName: z.string(),
  colourFix: z.literal('ycbcr-tagged-rgb').nullable(),
}).refine((image) => isExpectedStoredName(image.sha256, image.format, image.storedName));

const fromRow = (row: ImageRow): StoredImage | null => {
  const parsed = StoredImageRow.safeParse({ ...row, locked: row.locked === 1 });
  return parsed.success ? parsed.data : null;
};

const damagedRecord = (what: string) =>
  new UserError(
    'STUDY_CORRUPT',
    `The study's record of ${what} is damaged (it does not hold a valid image description): study.sqlite is damaged or was edited. Restore the study from a backup.`,
  );

/** A row that must be usable: a damaged one is refused (its id and name are not trusted in messages). */
function usable(row: ImageRow | undefined, what: string): StoredImage | undefined {
  if (!row) return undefined;
  const image = fromRow(row);
  if (!image) throw damagedRecord(what);
  return image;
}

/** The public record (what crosses the API): drops the storage details. */
export function toImageRecord(image: StoredImage): ImageRecord {
  const { storedName: _storedName, colourFix: _colourFix, ...record } = image;
  return record;
}

/** Images, unique by content hash within the study. */
export class ImageRepository {
  constructor(private readonly db: Database) {}

  /** Every usable image; a damaged row is left out (and reported on stderr) so the rest can be shown. */
  list(): StoredImage[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM image ORDER BY timepoint_id, id`)
      .all() as ImageRow[];
    return rows.flatMap((row) => {
      const image = fromRow(row);
      if (!image) console.warn(`[dermaquant] image row ${String(row.id)} is damaged; left out.`);
      return image ? [image] : [];
    });
  }

  get(id: number): StoredImage | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM image WHERE id = ?`).get(id) as ImageRow | undefined;
    return usable(row, `image ${id}`);
  }

  /** The image, or NOT_FOUND for an id this study does not have (a stale view, a typed id). */
  getOrThrow(id: number): StoredImage {
    const image = this.get(id);
    if (!image) throw new UserError('NOT_FOUND', `There is no image with id ${id} in this study.`);
    return image;
  }

  findBySha256(sha256: string): StoredImage | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM image WHERE sha256 = ?`).get(sha256) as
      ImageRow | undefined;
    return usable(row, 'an image with the same content');
  }

  insert(image: NewImage): StoredImage {
    const info = this.db
      .prepare(
        `INSERT INTO image (timepoint_id, sha256, file_name, stored_name, format, width, height, byte_size,
           bit_depth, channels, pages, um_per_px, calibration_source, stain, preview_width, preview_height,
           colour_fix, imported_at)
         VALUES (@timepointId, @sha256, @fileName, @storedName, @format, @width, @height, @byteSize,
           @bitDepth, @channels, @pages, @umPerPx, @calibrationSource, @stain, @previewWidth, @previewHeight,
           @colourFix, @importedAt)`,
      )
      .run(image);
    return this.get(Number(info.lastInsertRowid)) as StoredImage;
  }

  setCalibration(id: number, umPerPx: number | null, source: CalibrationSource | null): void {
    this.db
      .prepare('UPDATE image SET um_per_px = ?, calibration_source = ? WHERE id = ?')
      .run(umPerPx, source, id);
  }

  setLocked(id: number, locked: boolean): void {
    this.db.prepare('UPDATE image SET locked = ? WHERE id = ?').run(locked ? 1 : 0, id);
  }

  setPreviewSize(id: number, width: number, height: number): void {
    this.db
      .prepare('UPDATE image SET preview_width = ?, preview_height = ? WHERE id = ?')
      .run(width, height, id);
  }
}
