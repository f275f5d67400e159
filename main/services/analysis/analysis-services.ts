/**
 * The analysis method group of the services object: stain presets (built-in and calibrated in the
 * study), analysing a stored image with a protocol (the result is stored with the algorithm version,
 * every parameter and the image hash), cancellation, and stain calibration from an image.
 */
import { randomUUID } from 'node:crypto';
import type { ApiParsedInput, ApiOutput } from '../../../shared/api';
import { estimateStainsMacenko, regionRowRange, stainFromRegion } from '../../../shared/analysis/calibration';
import {
  declaredWhite,
  parseProtocol,
  resolveProtocol,
  type AnalysisProtocol,
} from '../../../shared/analysis/protocol';
import { manualMarks, withManualMarks, type ManualMarks } from '../../../shared/analysis/annotation-shapes';
import type { AppliedCorrections } from '../../../shared/analysis/api-schemas';
import { findPreset, STAIN_PRESETS } from '../../../shared/analysis/presets';
import { hasIncludedArea } from '../../../shared/analysis/region';
import type { NamedStain } from '../../../shared/analysis/stain-matrix';
import { storedAnnotationsOf } from '../annotations/annotation-methods';
import { toApiClass } from '../annotations/class-methods';
import { UserError } from '../errors';
import type { OpenStudy } from '../study/study-session';
import type { ServiceContext } from '../study/service-context';
import { storedImageFile } from '../study/study-paths';
import type { Services } from '../types';
import { analyzeImageFile, storedCopyError, toUserError } from './analyze-file';
import { decodeToSharedPixels, probeForAnalysis } from './decode-pixels';
import { WorkerPoolCache } from './worker-pool';

type AnalysisMethods = Pick<
  Services,
  | 'listStainPresets'
  | 'analyzeImage'
  | 'cancelAnalysis'
  | 'calibrateStain'
  | 'getAnalysisProtocol'
  | 'setAnalysisProtocol'
>;

function studyProtocol(study: OpenStudy): ApiOutput<'getAnalysisProtocol'> {
  const stored = study.repos.protocol.get();
  if (!stored) return { protocol: null, locked: false, updatedAt: null };
  return { protocol: parseProtocol(stored.params), locked: stored.locked, updatedAt: stored.updatedAt };
}

/** A study preset stores 1 to 3 named stains; one stain is paired with the default pink counterstain. */
function studyPresetStains(vectors: unknown, name: string): NamedStain[] {
  const stains = Array.isArray(vectors) ? (vectors as NamedStain[]) : [];
  if (stains.length === 0) {
    throw new UserError(
      'STUDY_CORRUPT',
      `The saved stain preset "${name}" has no vectors: calibrate it again.`,
    );
  }
  if (stains.length === 1) return [stains[0]!, findPreset('purple')!.stains[1]!];
  return stains;
}

/** Refuse a protocol that cannot run (unknown preset or channel, threshold out of range...). */
function precheckProtocol(protocol: AnalysisProtocol): void {
  try {
    // Calibration-dependent sizes are checked per image; here only what every image shares.
    resolveProtocol(protocol, { umPerPx: 1, hasRoi: false, white: declaredWhite(protocol) });
  } catch (err) {
    throw toUserError(err, 'the protocol');
  }
}

/**
 * The image's manual corrections from its stored annotations (the study is the source of truth: a
 * caller cannot make a figure from marks that were never saved), or none when not asked for.
 */
function storedMarks(study: OpenStudy, imageId: number, apply: boolean): ManualMarks | null {
  if (!apply) return null;
  const classes = study.repos.annotationClasses.list().map(toApiClass);
  return manualMarks(storedAnnotationsOf(study, imageId), classes);
}

const appliedCorrections = (marks: ManualMarks | null): AppliedCorrections => ({
  applied: marks !== null,
  stainedMarks: marks?.stained.ids ?? [],
  notStainedMarks: marks?.notStained.ids ?? [],
});

export function withStudyPreset(study: OpenStudy, protocol: AnalysisProtocol): AnalysisProtocol {
  if (protocol.stains || findPreset(protocol.stain)) return protocol;
  const saved = study.repos.stainPresets.findByName(protocol.stain);
  return saved ? { ...protocol, stains: studyPresetStains(saved.vectors, saved.name) } : protocol;
}

export function analysisMethods(ctx: ServiceContext): AnalysisMethods {
  // Threads stay warm between analyses (idle ones do not keep the process alive).
  const pools = new WorkerPoolCache();

  return {
    async listStainPresets() {
      const builtIn = STAIN_PRESETS.map((p) => ({
        name: p.name,
        description: p.description,
        builtIn: true,
        stains: p.stains,
        target: p.target,
      }));
      const study = await ctx.session.current();
      const saved = (study?.repos.stainPresets.list() ?? []).map((p) => {
        const stains = studyPresetStains(p.vectors, p.name);
        return {
          name: p.name,
          description: 'Calibrated in this study',
          builtIn: false,
          stains,
          target: stains[0]!.name,
        };
      });
      return [...builtIn, ...saved];
    },

    async analyzeImage(input: ApiParsedInput<'analyzeImage'>): Promise<ApiOutput<'analyzeImage'>> {
      // Registered before any await, so a cancel sent right after the call finds it.
      const jobId = input.jobId ?? randomUUID();
      const signal = ctx.jobs.start(jobId);
      let fileName: string | null = null;
      let file: string | null = null;
      try {
        const study = await ctx.session.requireWritable();
        const image = study.repos.images.getOrThrow(input.imageId);
        fileName = image.fileName;
        file = await storedImageFile(study.dir, image);
        // Direct callers (the CLI) skip the dispatcher's validation: parse here as well.
        const fromStudy = input.protocol === undefined ? study.repos.protocol.get() : undefined;
        const protocol = withStudyPreset(study, parseProtocol(input.protocol ?? fromStudy?.params ?? {}));
        const marks = storedMarks(study, image.id, input.applyCorrections ?? true);
        const region = marks ? withManualMarks(input.region ?? null, marks) : (input.region ?? null);
        const pool = pools.acquire();
        let result: Awaited<ReturnType<typeof analyzeImageFile>>;
        try {
          result = await analyzeImageFile(file, protocol, {
            pool,
            umPerPx: image.umPerPx,
            region,
            maxImagePixels: ctx.limits.maxImagePixels,
            signal,
            onProgress: (p) => {
              if (p.phase === 'analyse')
                ctx.events.emit('analysis-progress', { jobId, done: p.done, total: p.total });
            },
          });
          if (pool) await pools.release(pool);
        } catch (err) {
          // A pool stopped mid-run (cancelled, failed) is never reused.
          await pool?.terminate();
          throw err;
        }
        if (result.image.sha256 !== image.sha256) {
          throw new UserError(
            'STUDY_CORRUPT',
            `The stored copy of ${image.fileName} no longer matches its recorded hash: restore the study folder from a backup.`,
            { file: image.fileName },
          );
        }
        const now = ctx.now();
        const row = study.db.transaction(() => {
          // The first measurement made with the study's protocol locks it: every image alike.
          if (fromStudy && !fromStudy.locked) {
            study.repos.protocol.setLocked(true, now);
            study.repos.audit.record({
              at: now,
              kind: 'protocol-locked',
              entity: 'protocol',
              entityId: null,
              detail: { reason: 'first analysis with the study protocol', imageId: image.id },
            });
          }
          return study.repos.measurements.insert({
            imageId: image.id,
            imageSha256: image.sha256,
            algorithmVersion: result.algorithmVersion,
            params: {
              ...result.params,
              region: input.region ?? null,
              studyProtocol: Boolean(fromStudy),
              // Which saved version of the study protocol (listStudyResults counts only the current one).
              ...(fromStudy ? { studyProtocolRevision: fromStudy.revision } : {}),
              corrections: appliedCorrections(marks),
            },
            result: { ...result.measurement, elapsedMs: result.elapsedMs },
            createdAt: now,
          });
        })();
        ctx.events.emit('study-changed', { reason: 'measurement-added' });
        return {
          id: row.id,
          imageId: image.id,
          imageSha256: image.sha256,
          algorithmVersion: result.algorithmVersion,
          params: result.params,
          measurement: result.measurement,
          corrections: appliedCorrections(marks),
          elapsedMs: result.elapsedMs,
          createdAt: row.createdAt,
        };
      } catch (caught) {
        throw storedCopyError(caught, file, fileName ?? `image ${input.imageId}`);
      } finally {
        ctx.jobs.finish(jobId);
      }
    },

    async getAnalysisProtocol() {
      return studyProtocol(await ctx.session.require());
    },

    async setAnalysisProtocol({ protocol, unlock }) {
      const study = await ctx.session.requireWritable();
      const current = study.repos.protocol.get();
      if (current?.locked && !unlock) {
        throw new UserError(
          'LOCKED',
          'The study protocol is locked: images were already measured with it. Unlock it explicitly to change it (earlier measurements keep the parameters they were made with).',
        );
      }
      // Check it resolves (preset, channel, threshold) before storing it.
      precheckProtocol(withStudyPreset(study, protocol));
      const now = ctx.now();
      study.db.transaction(() => {
        study.repos.protocol.save(protocol, now);
        if (current?.locked) study.repos.protocol.setLocked(false, now);
        study.repos.audit.record({
          at: now,
          kind: current?.locked ? 'protocol-unlocked-and-changed' : 'protocol-set',
          entity: 'protocol',
          entityId: null,
          detail: { protocol },
        });
      })();
      ctx.events.emit('study-changed', { reason: 'protocol-changed' });
      return studyProtocol(study);
    },

    cancelAnalysis({ jobId }) {
      return Promise.resolve({ cancelled: ctx.jobs.cancel(jobId) });
    },

    async calibrateStain(input: ApiParsedInput<'calibrateStain'>): Promise<ApiOutput<'calibrateStain'>> {
      const study = input.saveAs ? await ctx.session.requireWritable() : await ctx.session.require();
      const image = study.repos.images.getOrThrow(input.imageId);
      if (input.saveAs && findPreset(input.saveAs)) {
        throw new UserError(
          'CONFLICT',
          `"${input.saveAs}" is a built-in preset: save the calibration under another name.`,
        );
      }
      if (input.method === 'region' && !hasIncludedArea(input.region)) {
        throw new UserError(
          'INVALID_INPUT',
          'Calibrating from a region needs the region: draw it around pure stain.',
        );
      }
      let file: string | null = null;
      try {
        file = await storedImageFile(study.dir, image);
        const probed = await probeForAnalysis(file, ctx.limits.maxImagePixels);
        // Only the rows the region covers are decoded: a whole-slide image need not fit in memory.
        const range = regionRowRange(input.region, probed.height);
        if (range.rows === 0) {
          throw new UserError('INVALID_INPUT', `The calibration region lies outside ${image.fileName}.`);
        }
        const pixels = await decodeToSharedPixels(file, probed, ctx.limits.maxImagePixels, false, range);
        const white = declaredWhite(parseProtocol({}));
        let stains: NamedStain[];
        let count: number;
        if (input.method === 'region') {
          const one = stainFromRegion(pixels, input.region!, white);
          stains = [{ name: input.saveAs?.toLowerCase() ?? 'calibrated', od: one.od }];
          count = one.pixels;
        } else {
          const estimate = estimateStainsMacenko(pixels, input.region, white);
          stains = [
            { name: 'stain-1', od: estimate.stains[0] },
            { name: 'stain-2', od: estimate.stains[1] },
          ];
          count = estimate.pixels;
        }
        if (input.saveAs) {
          const name = input.saveAs;
          const db = study.db;
          db.transaction(() => {
            study.repos.stainPresets.save(name, stains, ctx.now());
            study.repos.audit.record({
              at: ctx.now(),
              kind: 'stain-calibrated',
              entity: 'stain_preset',
              entityId: null,
              detail: { name, method: input.method, imageId: image.id, pixels: count },
            });
          })();
          ctx.events.emit('study-changed', { reason: 'stain-preset-saved' });
        }
        return { stains, pixels: count, saved: Boolean(input.saveAs) };
      } catch (err) {
        throw storedCopyError(err, file, image.fileName);
      }
    },
  };
}
