/**
 * Page 1 of the comparison report: the analysis protocol as it was run and the calibration of the images,
 * in words a reviewer can check against the methods section. Taken from the resolved parameters that
 * every measurement records (the stain vectors, the threshold each image got, the sizes in pixels), not
 * from what the user typed, so the page says what was actually computed.
 */
import type { AnalysisProtocol, ResolvedParams } from '../analysis/protocol';
import type { ImageResult } from '../api-study-results';
import { formatOD, formatStatistic } from './report-format';

export interface ReportRow {
  label: string;
  value: string;
}

type Measured = ImageResult & { measurement: NonNullable<ImageResult['measurement']> };

const distinct = <T>(values: T[]): T[] => [...new Set(values)];

const vector = (v: readonly number[]) => `(${v.map((x) => x.toFixed(3)).join(', ')})`;

function stainVectors(stain: ResolvedParams['stain']): string {
  return stain.names
    .map((name, i) => {
      const derived = stain.derivedThird && i === 2 ? ', derived: cross product of the other two' : '';
      return `${name} ${vector(stain.vectors[i]!)}${derived}`;
    })
    .join('; ');
}

/** The threshold, with the range the automatic method found over the images. */
function threshold(params: ResolvedParams[]): string {
  const method = params[0]!.threshold.method;
  if (method === 'fixed') return `fixed, ${formatOD(params[0]!.threshold.od!)} OD`;
  const found = params.map((p) => p.threshold.od).filter((od): od is number => od !== null);
  const none = params.length - found.length;
  const range =
    found.length === 0
      ? 'no image had a split'
      : `${formatOD(Math.min(...found))} to ${formatOD(Math.max(...found))} OD over the images`;
  const noSplit = none > 0 && found.length > 0 ? `; ${none} image(s) had no split, nothing stained` : '';
  return `${method === 'otsu' ? 'Otsu' : 'triangle'}, automatic per image on its analysed region (${range}${noSplit})`;
}

function tissue(params: ResolvedParams): string {
  return params.tissue === 'auto'
    ? `detected tissue (summed OD > ${formatOD(params.tissueThresholdOD)}), inside the region of interest when one is drawn`
    : 'the whole image, or the region of interest when one is drawn';
}

function white(params: ResolvedParams[]): string {
  const first = params[0]!.white;
  if (first.mode === 'default') return 'default (255, 255, 255)';
  if (first.mode === 'custom') return `given (${first.rgb.join(', ')})`;
  const points = distinct(params.map((p) => p.white.rgb.join(', ')));
  return `estimated per image from the background (${points.slice(0, 3).join('; ')}${points.length > 3 ? '; ...' : ''})`;
}

function smoothing(protocol: AnalysisProtocol | null, params: ResolvedParams): string {
  if (protocol?.smoothing) {
    return `Gaussian, sigma ${formatStatistic(protocol.smoothing.sigma)} ${protocol.smoothing.unit === 'um' ? 'µm' : 'px'}`;
  }
  return params.smoothingSigmaPx === null
    ? 'none'
    : `Gaussian, sigma ${formatStatistic(params.smoothingSigmaPx)} px`;
}

/** A size filter as the user gave it (µm² on calibrated images, px otherwise). */
function sizeFilter(given: number | null | undefined, what: string): string {
  return given == null
    ? 'none'
    : `${what} smaller than ${formatStatistic(given)} µm² (px on uncalibrated images)`;
}

function corrections(measured: Measured[]): string {
  const applied = measured.filter((m) => m.measurement.corrections.applied);
  const marks = (pick: (c: Measured['measurement']['corrections']) => string[]) =>
    applied.reduce((n, m) => n + pick(m.measurement.corrections).length, 0);
  const added = marks((c) => c.stainedMarks);
  const removed = marks((c) => c.notStainedMarks);
  if (added + removed === 0)
    return `applied last; no image has manual marks (${applied.length} of ${measured.length} images measured with corrections on)`;
  return `applied last on ${applied.length} of ${measured.length} images: ${added} "Stained collagen" mark(s) added, ${removed} "Not stained" mark(s) removed`;
}

/** The protocol rows; `measured` are the images the report's figures come from. */
export function protocolRows(protocol: AnalysisProtocol | null, measured: Measured[]): ReportRow[] {
  if (measured.length === 0) return [{ label: 'Protocol', value: 'no image is measured with it yet' }];
  const params = measured.map((m) => m.measurement.params);
  const first = params[0]!;
  return [
    { label: 'Stain preset', value: `${first.stain.preset} (${first.stain.source})` },
    { label: 'Stain vectors (OD)', value: stainVectors(first.stain) },
    { label: 'Measured channel', value: first.channel },
    { label: 'Threshold', value: threshold(params) },
    { label: 'Analysed region', value: tissue(first) },
    { label: 'White point', value: white(params) },
    { label: 'Smoothing', value: smoothing(protocol, first) },
    {
      label: 'Object size filter',
      value: sizeFilter(protocol?.minObjectArea, 'stained objects removed when'),
    },
    { label: 'Hole filling', value: sizeFilter(protocol?.maxHoleArea, 'holes in the stain filled when') },
    { label: 'Manual corrections', value: corrections(measured) },
  ];
}

/** Whether areas can be given in µm²: every image, some, or none calibrated. */
export function calibrationStatus(measured: Measured[]): string {
  const calibrated = measured.filter((m) => m.measurement.params.umPerPx !== null);
  if (measured.length === 0) return 'no measured image';
  if (calibrated.length === 0) {
    return `no image is calibrated: areas are in pixels only, and stained fractions compare across images`;
  }
  const scales = distinct(calibrated.map((m) => formatStatistic(m.measurement.params.umPerPx!)));
  const values = `${scales.slice(0, 4).join(', ')}${scales.length > 4 ? ', ...' : ''} µm/px`;
  if (calibrated.length === measured.length) return `all ${measured.length} images calibrated (${values})`;
  return `${calibrated.length} of ${measured.length} images calibrated (${values}); areas in µm² are given only where every image of a timepoint is calibrated`;
}

export type { Measured };
