/**
 * Reads an annotation file made by another tool, whatever its kind, into shapes ready to be classed
 * and stored: a QuPath GeoJSON export (FeatureCollection, Feature or bare geometry), one ImageJ `.roi`
 * or an ImageJ RoiSet `.zip`. The kind is told from the bytes, not the name (a renamed or extension-less
 * file still imports). Only areas are imported: points and lines are reported as skipped, as are QuPath
 * detections (cells, tiles), which are measurements of their own rather than regions someone drew.
 */
import { strFromU8, unzipSync } from 'fflate';
import { fail, ok, type Result } from '../result';
import type { AnnotationGeometry, AnnotationKind } from '../annotations/types';
import { parseQuPathGeoJson, type Rgb } from './geojson-import';
import { parseImageJRoi, type ImportedRoi } from './imagej-roi';

export const ANNOTATION_FILE_FORMATS = ['geojson', 'imagej-roi', 'imagej-roiset'] as const;
export type AnnotationFileFormat = (typeof ANNOTATION_FILE_FORMATS)[number];

/** Largest annotation file accepted (a QuPath export of thousands of outlines stays well below). */
export const MAX_ANNOTATION_FILE_BYTES = 64 * 1024 * 1024;
/** A RoiSet's entries and their unpacked size: ImageJ's ROI Manager holds a few thousand at most. */
export const MAX_ROISET_ENTRIES = 10_000;
export const MAX_ROISET_UNPACKED_BYTES = 256 * 1024 * 1024;

export interface FileShape {
  /** Where in the file it came from, for the report: "feature 3", "0001-0002.roi". */
  source: string;
  name: string;
  /** The classification the file gives it (QuPath); null when it has none (ImageJ ROIs). */
  className: string | null;
  colour: Rgb | null;
  kind: AnnotationKind;
  geometry: Extract<AnnotationGeometry, { type: 'polygons' }>;
}

export interface FileSkip {
  source: string;
  name: string | null;
  reason: string;
}

export interface AnnotationFile {
  format: AnnotationFileFormat;
  shapes: FileShape[];
  skipped: FileSkip[];
}

const startsWith = (bytes: Uint8Array, text: string) =>
  bytes.length >= text.length && [...text].every((c, i) => bytes[i] === c.charCodeAt(0));

/** The format by its first bytes: "Iout" (ImageJ), "PK" (zip), or JSON text starting with "{". */
export function detectAnnotationFormat(bytes: Uint8Array): AnnotationFileFormat | null {
  if (startsWith(bytes, 'Iout')) return 'imagej-roi';
  if (startsWith(bytes, 'PK\u0003\u0004') || startsWith(bytes, 'PK\u0005\u0006')) return 'imagej-roiset';
  // A UTF-8 byte order mark (EF BB BF) may come first; the rest of the head is read byte for byte.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const head = strFromU8(bytes.subarray(start, start + 64), true).trimStart();
  return head.startsWith('{') ? 'geojson' : null;
}

const QUPATH_NON_ANNOTATIONS = new Set(['detection', 'cell', 'tile']);

function readGeoJson(bytes: Uint8Array, fileName: string): Result<AnnotationFile> {
  // shared/ sees no TextDecoder; fflate decodes UTF-8 (JSON.parse then refuses anything that is not JSON).
  const text = strFromU8(bytes);
  const parsed = parseQuPathGeoJson(text, fileName);
  if (!parsed.ok) return parsed;
  const where = (index: number) => `feature ${index + 1}`;
  const skipped: FileSkip[] = parsed.value.skipped.map((s) => ({
    source: where(s.index),
    name: s.name,
    reason: s.reason,
  }));
  const shapes: FileShape[] = [];
  parsed.value.features.forEach((feature) => {
    const index = feature.index;
    if (feature.objectType && QUPATH_NON_ANNOTATIONS.has(feature.objectType)) {
      skipped.push({
        source: where(index),
        name: feature.name,
        reason: `a QuPath ${feature.objectType} object, not an annotation`,
      });
      return;
    }
    shapes.push({
      source: where(index),
      name: feature.name ?? '',
      className: feature.classification?.name ?? null,
      colour: feature.classification?.color ?? null,
      kind: 'polygon',
      geometry: { type: 'polygons', polygons: feature.geometry },
    });
  });
  return ok({ format: 'geojson', shapes, skipped });
}

const NO_AREA: Record<string, string> = {
  points: 'a point selection encloses no area',
  line: 'a line selection encloses no area',
};

/** One parsed .roi as a shape, or why it is skipped; `source` names it in the report. */
function roiShape(roi: ImportedRoi, source: string): { shape: FileShape } | { skip: FileSkip } {
  if (roi.geometry.type !== 'polygons') {
    const why = NO_AREA[roi.geometry.type] ?? 'it encloses no area';
    return { skip: { source, name: roi.name, reason: `${why} (ImageJ ${roi.roiType})` } };
  }
  return {
    shape: {
      source,
      name: roi.name ?? '',
      className: null,
      colour: roi.strokeColor,
      kind: roi.kind,
      geometry: roi.geometry,
    },
  };
}

function readRoi(bytes: Uint8Array, fileName: string): Result<AnnotationFile> {
  const parsed = parseImageJRoi(bytes, fileName);
  // A single file that cannot be read is the whole import failing: say why, as the parser words it.
  if (!parsed.ok) return parsed;
  const one = roiShape(parsed.value, fileName);
  return ok(
    'shape' in one
      ? { format: 'imagej-roi', shapes: [one.shape], skipped: [] }
      : { format: 'imagej-roi', shapes: [], skipped: [one.skip] },
  );
}

const baseName = (entry: string) => entry.split('/').pop() ?? entry;
/** Folders, and the resource forks macOS adds when it zips a folder. */
const isClutter = (entry: string) => entry.endsWith('/') || /(^|\/)(__MACOSX\/|\._)/.test(entry);

function readRoiSet(bytes: Uint8Array, fileName: string): Result<AnnotationFile> {
  let entries = 0;
  let unpacked = 0;
  let tooBig = false;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      // The sizes are checked before anything is inflated: a zip bomb is refused, not unpacked.
      filter: (file) => {
        if (isClutter(file.name)) return false;
        entries++;
        unpacked += file.originalSize;
        if (entries > MAX_ROISET_ENTRIES || unpacked > MAX_ROISET_UNPACKED_BYTES) tooBig = true;
        return !tooBig;
      },
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('INVALID_INPUT', `${fileName} is a damaged zip file (${detail}).`, { fileName });
  }
  if (tooBig) {
    return fail(
      'INVALID_INPUT',
      `${fileName} holds more than ${MAX_ROISET_ENTRIES} files or ${MAX_ROISET_UNPACKED_BYTES / 1024 ** 2} MB unpacked: split the RoiSet.`,
      { fileName },
    );
  }
  const shapes: FileShape[] = [];
  const skipped: FileSkip[] = [];
  // ImageJ names the entries after each ROI's position; their order is the ROI Manager's.
  for (const [entry, data] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const source = baseName(entry);
    if (!/\.roi$/i.test(entry)) {
      skipped.push({ source, name: null, reason: 'not an ImageJ .roi file' });
      continue;
    }
    const parsed = parseImageJRoi(data, source);
    if (!parsed.ok) {
      skipped.push({ source, name: null, reason: parsed.error.message });
      continue;
    }
    const one = roiShape(parsed.value, source);
    if ('shape' in one) shapes.push(one.shape);
    else skipped.push(one.skip);
  }
  return ok({ format: 'imagej-roiset', shapes, skipped });
}

/**
 * The shapes of an annotation file. Fails with UNSUPPORTED_FORMAT when it is none of the three
 * formats, INVALID_INPUT when it is one but cannot be read; an empty `shapes` is left to the caller
 * (its report names what was skipped).
 */
export function readAnnotationFile(bytes: Uint8Array, fileName: string): Result<AnnotationFile> {
  if (bytes.length > MAX_ANNOTATION_FILE_BYTES) {
    return fail(
      'INVALID_INPUT',
      `${fileName} is larger than ${MAX_ANNOTATION_FILE_BYTES / 1024 ** 2} MB, more than an annotation file holds.`,
      { fileName },
    );
  }
  switch (detectAnnotationFormat(bytes)) {
    case 'geojson':
      return readGeoJson(bytes, fileName);
    case 'imagej-roi':
      return readRoi(bytes, fileName);
    case 'imagej-roiset':
      return readRoiSet(bytes, fileName);
    default:
      return fail(
        'UNSUPPORTED_FORMAT',
        `${fileName} is not an annotation file DermaQuant can import: export the annotations from QuPath as GeoJSON, or save them from ImageJ as a .roi file or a RoiSet .zip (ROI Manager > More > Save).`,
        { fileName },
      );
  }
}
