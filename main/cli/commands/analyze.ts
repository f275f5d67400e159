/**
 * `dermaquant analyze IMAGE [options] [--json]` (CLI.md), and what `compare` shares with it: reading an
 * ROI file, the progress bar, the JSON document and the text lines of one analysis.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { regionFromFeatures } from '../../../shared/analysis/roi';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import { parseQuPathGeoJson } from '../../../shared/formats/geojson-import';
import { findPreset } from '../../../shared/analysis/presets';
import { createServices } from '../../services';
import { UserError } from '../../services/errors';
import {
  analyzeImageFile,
  type AnalysisProgress,
  type FileAnalysis,
} from '../../services/analysis/analyze-file';
import {
  addAnalysisOptions,
  protocolFromOptions,
  type AnalysisCliOptions,
  type NamedStainInput,
} from '../analysis-options';
import { commandAction, type CommandOutput } from '../cli-io';
import type { RegisterCommands } from '../registry';

/**
 * With --study, a --stain that is not built in may name a preset calibrated and saved in that study:
 * its vectors go into the protocol (the study is only read).
 */
export async function studyPresetStains(options: AnalysisCliOptions): Promise<NamedStainInput[] | null> {
  if (!options.study || findPreset(options.stain)) return null;
  const services = createServices({ studyDir: null });
  try {
    await services.openStudy(options.study);
    const preset = (await services.listStainPresets({})).find(
      (p) => !p.builtIn && p.name.toLowerCase() === options.stain.trim().toLowerCase(),
    );
    return preset ? preset.stains.map((s) => ({ name: s.name, od: s.od })) : null;
  } finally {
    services.close();
  }
}

export interface LoadedRoi {
  file: string;
  region: AnalysisRegion;
  includePolygons: number;
  excludePolygons: number;
  skipped: number;
}

/** Read a QuPath GeoJSON file into a region (ROI polygons minus "Exclude" ones). */
export async function loadRoi(file: string): Promise<LoadedRoi> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      'FILE_NOT_FOUND',
      err.code === 'ENOENT'
        ? `The ROI file ${file} does not exist: check the path.`
        : `The ROI file ${file} cannot be read (${err.message}).`,
      { file },
    );
  });
  const parsed = parseQuPathGeoJson(text, file);
  if (!parsed.ok) throw new UserError(parsed.error.code, parsed.error.message, { file });
  const region = regionFromFeatures(parsed.value);
  const includePolygons = region.include?.length ?? 0;
  if (includePolygons === 0 && region.exclude.length === 0) {
    throw new UserError(
      'INVALID_INPUT',
      `The ROI file ${file} holds no polygon: draw or export a polygon annotation.`,
      { file },
    );
  }
  return {
    file,
    region,
    includePolygons,
    excludePolygons: region.exclude.length,
    skipped: parsed.value.skipped.length,
  };
}

/** Progress on stderr: a bar that redraws itself on a terminal, nothing when stderr is a file or pipe. */
export function progressReporter(label: string): {
  update: (p: AnalysisProgress) => void;
  finish: () => void;
} {
  if (!process.stderr.isTTY) return { update: () => {}, finish: () => {} };
  let shown = false;
  return {
    update: (p) => {
      const fraction = p.phase === 'decode' ? 0 : p.done / Math.max(1, p.total);
      const width = 24;
      const filled = Math.round(fraction * width);
      const text = p.phase === 'decode' ? 'decoding' : `${Math.round(fraction * 100)}%`;
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
      shown = true;
    },
    finish: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The JSON document CLI.md specifies for one image. */
export function analysisJson(result: FileAnalysis, roi: LoadedRoi | null) {
  const m = result.measurement;
  return {
    image: {
      path: result.image.path,
      sha256: result.image.sha256,
      width: result.image.width,
      height: result.image.height,
      umPerPx: result.image.umPerPx,
    },
    params: {
      ...result.params,
      umPerPxSource: result.image.umPerPxSource,
      roi: roi
        ? { file: roi.file, includePolygons: roi.includePolygons, excludePolygons: roi.excludePolygons }
        : null,
    },
    stainedAreaPx: m.stainedAreaPx,
    analyzedAreaPx: m.analyzedAreaPx,
    stainedFraction: m.stainedFraction,
    stainedFractionReason: m.stainedFractionReason,
    stainedAreaUm2: m.stainedAreaUm2,
    analyzedAreaUm2: m.analyzedAreaUm2,
    meanStainedOD: m.meanStainedOD,
    objectsRemoved: m.objectsRemoved,
    holesFilled: m.holesFilled,
    algorithmVersion: result.algorithmVersion,
    elapsedMs: result.elapsedMs,
  };
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

export function describeAnalysis(result: FileAnalysis, output: CommandOutput, label = ''): void {
  const { image, params, measurement: m } = result;
  const scale = image.umPerPx ? `${fmt(image.umPerPx, 4)} um/px` : 'uncalibrated';
  const threshold = params.threshold.od === null ? 'none (no split)' : `${fmt(params.threshold.od, 3)} OD`;
  output.line(`${label}${path.basename(image.path)}  ${image.width} x ${image.height} px, ${scale}`);
  output.line(
    `  stain ${params.stain.preset}, channel ${params.channel}, threshold ${threshold} (${params.threshold.method}), denominator ${params.tissue === 'auto' ? 'detected tissue' : 'all pixels'}`,
  );
  const um2 = (v: number | null) => (v === null ? '' : ` (${fmt(v)} um2)`);
  output.line(
    `  stained ${fmt(m.stainedAreaPx, 0)} px${um2(m.stainedAreaUm2)} of ${fmt(m.analyzedAreaPx, 0)} px analysed${um2(m.analyzedAreaUm2)}`,
  );
  output.line(
    m.stainedFraction === null
      ? `  stained fraction: undefined (${m.stainedFractionReason})`
      : `  stained fraction ${fmt(m.stainedFraction * 100, 2)} %, mean stained OD ${m.meanStainedOD === null ? 'n/a' : fmt(m.meanStainedOD, 3)}`,
  );
}

/** Analyse one image with the CLI options (shared by analyze and compare). */
export async function analyzeWithOptions(
  image: string,
  options: AnalysisCliOptions,
  roi: LoadedRoi | null,
  label: string,
  output: CommandOutput,
  savedStains: NamedStainInput[] | null = null,
): Promise<FileAnalysis> {
  const progress = progressReporter(label || path.basename(image));
  try {
    const result = await analyzeImageFile(path.resolve(image), protocolFromOptions(options, savedStains), {
      umPerPx: options.umPerPx ?? null,
      region: roi?.region ?? null,
      workers: options.workers,
      bandRows: options.bandRows,
      onProgress: progress.update,
    });
    if (result.measurement.stainedFraction === null) {
      output.note(`dermaquant: warning: ${image}: ${result.measurement.stainedFractionReason}.`);
    }
    return result;
  } finally {
    progress.finish();
  }
}

export const registerAnalyzeCommand: RegisterCommands = (program) => {
  const command = program
    .command('analyze')
    .description('measure the stained area of one image')
    .argument('<image>', 'image file (JPEG, PNG, TIFF, SVS)');
  addAnalysisOptions(command)
    .option('--json', 'print one JSON document on stdout')
    .action(
      commandAction(async (output, image: string, options: AnalysisCliOptions) => {
        protocolFromOptions(options); // usage errors before any work
        const roi = options.roi ? await loadRoi(options.roi) : null;
        const saved = await studyPresetStains(options);
        const result = await analyzeWithOptions(image, options, roi, '', output, saved);
        output.result(analysisJson(result, roi));
        describeAnalysis(result, output);
      }),
    );
};
