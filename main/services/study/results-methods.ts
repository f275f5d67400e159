/**
 * The results method group of the services object: each image's measurement made with the study's
 * current protocol, the paired cohort statistics between two timepoints (shared/stats/cohort.ts) and the
 * series across three or more (shared/stats/series.ts).
 */
import type { ApiOutput, ApiParsedInput } from '../../../shared/api';
import type { MeasurementRecord, StudyProtocol } from '../../../shared/analysis/api-schemas';
import type { ImageResult, StudyResults } from '../../../shared/api-study-results';
import { orderedTimepointLabels } from '../../../shared/reports/report-timepoints';
import { cohortStats, sameLabel, type SubjectTimepoints } from '../../../shared/stats/cohort';
import { seriesStats } from '../../../shared/stats/series';
import { UserError } from '../errors';
import type { Services } from '../types';
import type { Measurement } from './repositories/measurement-repository';
import type { ServiceContext } from './service-context';
import { buildStudyView } from './study-view';
import type { OpenStudy } from './study-session';

type ResultsMethods = Pick<Services, 'listStudyResults' | 'getStudyStats' | 'getStudySeries'>;

interface StoredParams {
  studyProtocol?: boolean;
  studyProtocolRevision?: number;
  corrections?: MeasurementRecord['corrections'];
}

/** The study protocol as stored: its revision decides which measurements count. */
type CurrentProtocol = StudyProtocol & { revision: number | null };

/**
 * Whether a stored measurement was made with the study's protocol as it stands: analyzeImage records
 * the protocol's revision, raised by every save. Measurements from before revisions were recorded
 * (schema 2) fall back to clock times: made since the protocol was last set, unlocked or locked (locking
 * happens in the transaction of the first measurement, with the same clock value).
 */
function madeWithCurrentProtocol(measurement: Measurement, protocol: CurrentProtocol): boolean {
  const params = measurement.params as StoredParams;
  if (params.studyProtocol !== true || protocol.updatedAt === null) return false;
  if (typeof params.studyProtocolRevision === 'number')
    return params.studyProtocolRevision === protocol.revision;
  return measurement.createdAt >= protocol.updatedAt;
}

function toMeasurementRecord(stored: Measurement): MeasurementRecord {
  const params = stored.params as MeasurementRecord['params'] & StoredParams;
  const { elapsedMs, ...measurement } = stored.result as MeasurementRecord['measurement'] & {
    elapsedMs: number;
  };
  return {
    id: stored.id,
    imageId: stored.imageId,
    imageSha256: stored.imageSha256,
    algorithmVersion: stored.algorithmVersion,
    params,
    measurement,
    corrections: params.corrections ?? { applied: false, stainedMarks: [], notStainedMarks: [] },
    elapsedMs,
    createdAt: stored.createdAt,
  };
}

function currentProtocol(study: OpenStudy): CurrentProtocol {
  const stored = study.repos.protocol.get();
  // The parameters are not parsed here: only the revision (and the lock) decide which measurements count.
  return stored
    ? {
        protocol: stored.params as StudyProtocol['protocol'],
        locked: stored.locked,
        updatedAt: stored.updatedAt,
        revision: stored.revision,
      }
    : { protocol: null, locked: false, updatedAt: null, revision: null };
}

export function studyResults(study: OpenStudy): StudyResults {
  const protocol = currentProtocol(study);
  const images: ImageResult[] = [];
  for (const subject of buildStudyView(study).subjects) {
    const { timepoints, ...subjectRecord } = subject;
    for (const { images: timepointImages, ...timepoint } of timepoints) {
      for (const image of timepointImages) {
        // Newest first: the first one made with the current protocol is the one that counts.
        const latest = study.repos.measurements
          .listForImage(image.id)
          .reverse()
          .find((m) => madeWithCurrentProtocol(m, protocol));
        images.push({
          subject: subjectRecord,
          timepoint,
          image,
          measurement: latest ? toMeasurementRecord(latest) : null,
        });
      }
    }
  }
  const { revision: _revision, ...shown } = protocol;
  return { protocol: shown, images };
}

const where = (r: ImageResult) => `${r.subject.code} / ${r.timepoint.label} / ${r.image.fileName}`;

/** "a, b, c and 4 more": a message names a few, not a hundred. */
function someOf(items: string[], most = 5): string {
  const shown = items.slice(0, most).join(', ');
  return items.length > most ? `${shown} and ${items.length - most} more` : shown;
}

function knownLabels(results: StudyResults): string[] {
  const labels: string[] = [];
  for (const r of results.images) {
    if (!labels.some((l) => sameLabel(l, r.timepoint.label))) labels.push(r.timepoint.label);
  }
  return labels;
}

function refuseUnknownLabels(results: StudyResults, wanted: string[]): void {
  const labels = knownLabels(results);
  const unknown = wanted.filter((w) => !labels.some((l) => sameLabel(l, w)));
  if (unknown.length === 0) return;
  const list = unknown.map((l) => `"${l}"`).join(' and ');
  throw new UserError(
    'NOT_FOUND',
    labels.length === 0
      ? `No timepoint is labelled ${list}: the study has no images yet (add them with dermaquant study add).`
      : `No timepoint with images is labelled ${list}: the study's labels are ${labels.map((l) => `"${l}"`).join(', ')}.`,
  );
}

/** Every image of the two timepoints must be measured with the protocol (and calibrated for area). */
function refuseIncomplete(chosen: ImageResult[], measure: 'fraction' | 'area', protocol: StudyProtocol) {
  const unmeasured = chosen.filter((r) => r.measurement === null).map(where);
  if (unmeasured.length > 0) {
    const which =
      protocol.protocol === null ? 'the study has no analysis protocol yet; set one, then' : 'first';
    throw new UserError(
      'NOT_FOUND',
      `No measurement with the current study protocol for ${someOf(unmeasured)}: ${which} analyse the study (dermaquant study analyze).`,
    );
  }
  const uncalibrated = chosen.filter((r) => r.measurement!.params.umPerPx === null).map(where);
  if (measure === 'area' && uncalibrated.length > 0) {
    throw new UserError(
      'INVALID_INPUT',
      `The stained area in um2 needs calibrated images, and ${someOf(uncalibrated)} ${uncalibrated.length === 1 ? 'has' : 'have'} no um per pixel: calibrate them (study add --um-per-px, or in the app) and analyse again, or use --measure fraction.`,
    );
  }
}

/** The measured images of each subject's timepoints, as cohortStats takes them. */
function subjectsOf(chosen: ImageResult[]): SubjectTimepoints[] {
  const bySubject = new Map<number, SubjectTimepoints>();
  for (const r of chosen) {
    const subject = bySubject.get(r.subject.id) ?? { subject: r.subject.code, timepoints: [] };
    bySubject.set(r.subject.id, subject);
    const m = r.measurement!;
    subject.timepoints.push({
      label: r.timepoint.label,
      fields: [
        {
          stainedPx: m.measurement.stainedAreaPx,
          analyzedPx: m.measurement.analyzedAreaPx,
          umPerPx: m.params.umPerPx,
        },
      ],
    });
  }
  return [...bySubject.values()];
}

const quoted = (labels: string[]) => labels.map((l) => `"${l}"`).join(', ');

/**
 * The labels a series runs over, as the study spells them: the ones asked for in that order, or every
 * label by session. Refuses fewer than 3, repeats and unknown labels, naming the study's labels.
 */
function seriesLabels(results: StudyResults, wanted: string[] | undefined): string[] {
  const ordered = orderedTimepointLabels(results.images);
  if (wanted === undefined) {
    if (ordered.length < 3) {
      throw new UserError(
        'INVALID_INPUT',
        `A series needs at least 3 timepoints, and the study has ${ordered.length === 0 ? 'no images yet' : `only ${quoted(ordered)}`}: compare two with --baseline and --followup.`,
      );
    }
    return ordered;
  }
  const repeated = wanted.filter((w, i) => wanted.findIndex((o) => sameLabel(o, w)) !== i);
  if (repeated.length > 0) {
    throw new UserError(
      'INVALID_INPUT',
      `The timepoint ${quoted(repeated)} is named more than once: name each timepoint once.`,
    );
  }
  if (wanted.length < 3) {
    throw new UserError(
      'INVALID_INPUT',
      `A series needs at least 3 timepoints (${wanted.length} given: ${quoted(wanted)}); the study's labels are ${quoted(ordered)}. To compare two, use --baseline and --followup.`,
    );
  }
  refuseUnknownLabels(results, wanted);
  return wanted.map((w) => ordered.find((l) => sameLabel(l, w))!);
}

export function resultsMethods(ctx: ServiceContext): ResultsMethods {
  return {
    async listStudyResults() {
      return studyResults(await ctx.session.require());
    },

    async getStudyStats(input: ApiParsedInput<'getStudyStats'>): Promise<ApiOutput<'getStudyStats'>> {
      const results = studyResults(await ctx.session.require());
      const { baseline, followup, measure } = input;
      if (sameLabel(baseline, followup)) {
        throw new UserError(
          'INVALID_INPUT',
          `The baseline and the follow-up are both "${baseline}": name two different timepoints.`,
        );
      }
      refuseUnknownLabels(results, [baseline, followup]);
      const chosen = results.images.filter(
        (r) => sameLabel(r.timepoint.label, baseline) || sameLabel(r.timepoint.label, followup),
      );
      refuseIncomplete(chosen, measure, results.protocol);
      const stats = cohortStats(subjectsOf(chosen), baseline, followup, measure);
      if (stats.pairs.length === 0) {
        throw new UserError(
          'NOT_FOUND',
          `No subject has images at both "${baseline}" and "${followup}", so there is no pair to compare (${someOf(stats.unpaired.map((u) => `${u.subject} lacks ${u.missing.join(' and ')}`))}).`,
        );
      }
      return stats;
    },

    async getStudySeries(input: ApiParsedInput<'getStudySeries'>): Promise<ApiOutput<'getStudySeries'>> {
      const results = studyResults(await ctx.session.require());
      const labels = seriesLabels(results, input.timepoints);
      const chosen = results.images.filter((r) => labels.some((l) => sameLabel(r.timepoint.label, l)));
      refuseIncomplete(chosen, input.measure, results.protocol);
      return seriesStats(subjectsOf(chosen), labels, input.measure);
    },
  };
}
