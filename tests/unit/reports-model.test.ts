/**
 * The comparison report's model (shared/reports/report-model.ts): what every cell of the PDF says, from
 * results and statistics made by the real pure functions (cohortStats, resolveProtocol).
 */
import { describe, expect, it } from 'vitest';
import { parseProtocol, resolveProtocol } from '../../shared/analysis/protocol';
import type { ImageResult, StudyResults } from '../../shared/api-study-results';
import { buildReportModel, type ReportInput } from '../../shared/reports/report-model';
import { defaultTimepoints } from '../../shared/reports/report-timepoints';
import { cohortStats } from '../../shared/stats/cohort';

interface Spec {
  subject: string;
  label: string;
  session: number;
  stained: number;
  analysed: number;
  umPerPx?: number | null;
  protocol?: object;
  corrections?: { stained: string[]; notStained: string[] };
}

let nextId = 1;

function imageResult(spec: Spec): ImageResult {
  const id = nextId++;
  const umPerPx = spec.umPerPx ?? null;
  const params = resolveProtocol(parseProtocol(spec.protocol ?? {}), {
    umPerPx,
    hasRoi: false,
    white: [255, 255, 255],
  });
  const area = (px: number) => (umPerPx === null ? null : px * umPerPx * umPerPx);
  return {
    subject: { id: spec.subject.length, code: spec.subject, notes: '' },
    timepoint: {
      id: id * 10,
      subjectId: 1,
      label: spec.label,
      session: spec.session,
      date: spec.session === 0 ? '2025-01-15' : null,
    },
    image: {
      id,
      timepointId: id * 10,
      sha256: 'a'.repeat(64),
      fileName: `${spec.subject}-${spec.label}-${id}.png`,
      format: 'png',
      width: 1000,
      height: 800,
      byteSize: 1,
      bitDepth: 8,
      channels: 3,
      pages: 1,
      umPerPx,
      calibrationSource: null,
      stain: null,
      previewWidth: 1000,
      previewHeight: 800,
      locked: false,
      importedAt: '2025-01-01T00:00:00.000Z',
    },
    measurement: {
      id,
      imageId: id,
      imageSha256: 'a'.repeat(64),
      algorithmVersion: params.algorithmVersion,
      params,
      measurement: {
        stainedAreaPx: spec.stained,
        analyzedAreaPx: spec.analysed,
        stainedFraction: spec.analysed > 0 ? spec.stained / spec.analysed : null,
        stainedFractionReason: null,
        stainedAreaUm2: area(spec.stained),
        analyzedAreaUm2: area(spec.analysed),
        meanStainedOD: null,
        objectsRemoved: 0,
        holesFilled: 0,
        manualAddedPx: 0,
        manualRemovedPx: 0,
      },
      corrections: {
        applied: true,
        stainedMarks: spec.corrections?.stained ?? [],
        notStainedMarks: spec.corrections?.notStained ?? [],
      },
      elapsedMs: 1,
      createdAt: '2025-02-01T10:00:00.000Z',
    },
  };
}

function reportOf(
  specs: Spec[],
  measure: 'fraction' | 'area' = 'fraction',
): ReturnType<typeof buildReportModel> {
  const images = specs.map(imageResult);
  const results: StudyResults = {
    protocol: { protocol: parseProtocol({}), locked: true, updatedAt: '2025-02-01T09:30:00.000Z' },
    images,
  };
  const subjects = [...new Set(specs.map((s) => s.subject))].map((subject) => ({
    subject,
    timepoints: images
      .filter((r) => r.subject.code === subject)
      .map((r) => ({
        label: r.timepoint.label,
        fields: [
          {
            stainedPx: r.measurement!.measurement.stainedAreaPx,
            analyzedPx: r.measurement!.measurement.analyzedAreaPx,
            umPerPx: r.image.umPerPx,
          },
        ],
      })),
  }));
  const input: ReportInput = {
    studyName: 'Pilot',
    generatedAt: '2026-03-04T05:06:07.000Z',
    appVersion: '9.8.7',
    results,
    stats: cohortStats(subjects, 'baseline', 'week-12', measure),
    baseline: 'baseline',
    followup: 'week-12',
  };
  return buildReportModel(input);
}

const pair = (subject: string, before: number, after: number, umPerPx: number | null = 0.5): Spec[] => [
  { subject, label: 'baseline', session: 0, stained: before, analysed: 10_000, umPerPx },
  { subject, label: 'week-12', session: 3, stained: after, analysed: 10_000, umPerPx },
];

describe('report model', () => {
  it('says what was generated, with which versions, and how the images are calibrated', () => {
    const model = reportOf([...pair('S01', 1000, 1500), ...pair('S02', 800, 1200)]);
    expect(model.title).toBe('Pilot');
    expect(model.subtitle).toBe('Comparison report: baseline to week-12');
    const meta = Object.fromEntries(model.meta.map((r) => [r.label, r.value]));
    expect(meta).toMatchObject({
      Generated: '2026-03-04 05:06 UTC',
      'DermaQuant version': '9.8.7',
      'Algorithm version': 'dermaquant-stain-1.0.0',
      Compared: 'week-12 (after) against baseline (before), 2 subjects, 4 images',
      Calibration: 'all 4 images calibrated (0.5 µm/px)',
      Protocol: 'locked since 2025-02-01 09:30 UTC: every image measured alike',
    });
  });

  it('gives the full protocol: preset, vectors, channel, threshold, region, sizes and corrections', () => {
    const specs = pair('S01', 1000, 1500).map((s, i) => ({
      ...s,
      corrections: i === 0 ? { stained: ['a', 'b'], notStained: ['c'] } : undefined,
    }));
    const rows = Object.fromEntries(reportOf(specs).protocol.map((r) => [r.label, r.value]));
    expect(rows['Stain preset']).toMatch(/^purple \(/);
    expect(rows['Stain vectors (OD)']).toContain('purple (0.439, 0.847, 0.299)');
    expect(rows['Stain vectors (OD)']).toContain('derived: cross product of the other two');
    expect(rows['Measured channel']).toBe('purple');
    expect(rows.Threshold).toBe('fixed, 0.150 OD');
    expect(rows['Analysed region']).toContain('detected tissue (summed OD > 0.150)');
    expect(rows.Smoothing).toBe('none');
    expect(rows['Object size filter']).toBe('none');
    expect(rows['Manual corrections']).toBe(
      'applied last on 2 of 2 images: 2 "Stained collagen" mark(s) added, 1 "Not stained" mark(s) removed',
    );
  });

  it('tabulates each subject before and after, with every change', () => {
    const [section] = reportOf(pair('S01', 1000, 1500)).subjects;
    expect(section!.subject).toBe('S01');
    expect(section!.before.heading).toBe('baseline (session 0, 2025-01-15)');
    expect(section!.after.heading).toBe('week-12 (session 3)');
    expect(section!.before.figure).toMatchObject({ width: 1000, height: 800, umPerPx: 0.5 });
    expect(section!.table.header).toEqual(['Measure', 'Before', 'After', 'Change', 'Relative', 'Fold']);
    expect(section!.table.rows).toEqual([
      ['Stained area (µm²)', '250.0', '375.0', '+125.0', '+50.0 %', '1.500×'],
      ['Stained area (px)', '1,000', '1,500', '+500', '+50.0 %', '1.500×'],
      ['Analysed area (µm²)', '2,500.0', '2,500.0', '0.00', '0.0 %', '1.000×'],
      ['Analysed area (px)', '10,000', '10,000', '0', '0.0 %', '1.000×'],
      ['Stained fraction', '10.00 %', '15.00 %', '+5.00 pp', '+50.0 %', '1.500×'],
    ]);
    expect(section!.footnotes).toEqual([]);
  });

  it('says n/a with the reason where a change is undefined', () => {
    const [section] = reportOf(pair('S01', 0, 700, null)).subjects;
    const rows = section!.table.rows;
    expect(rows[0]).toEqual(['Stained area (µm²)', 'n/a (a)', 'n/a (a)', 'n/a (a)', 'n/a (a)', 'n/a (a)']);
    expect(rows[1]).toEqual(['Stained area (px)', '0', '700', '+700', 'n/a (b)', 'n/a (b)']);
    expect(rows[4]).toEqual(['Stained fraction', '0.00 %', '7.00 %', '+7.00 pp', 'n/a (b)', 'n/a (b)']);
    expect(section!.footnotes).toEqual([
      '(a) not every image of the timepoint is calibrated, so its area in µm² is unknown',
      '(b) the before value is 0, so a ratio to it is undefined',
    ]);
  });

  it('pools several images of a timepoint by pixel sums and says one of them is shown', () => {
    const specs: Spec[] = [
      { subject: 'S01', label: 'baseline', session: 0, stained: 600, analysed: 10_000 },
      { subject: 'S01', label: 'baseline', session: 0, stained: 400, analysed: 10_000 },
      { subject: 'S01', label: 'week-12', session: 3, stained: 1800, analysed: 10_000 },
    ];
    const [section] = reportOf(specs).subjects;
    expect(section!.before.caption).toMatch(/: 1 of 2 images shown, the figures pool all$/);
    expect(section!.table.rows[1]!.slice(0, 3)).toEqual(['Stained area (px)', '1,000', '1,800']);
    expect(section!.table.rows[4]!.slice(0, 4)).toEqual([
      'Stained fraction',
      '5.00 %',
      '18.00 %',
      '+13.00 pp',
    ]);
  });

  it('gives the cohort statistics and the chart from two pairs on, in percentage points', () => {
    const model = reportOf([
      ...pair('S01', 1000, 1500),
      ...pair('S02', 800, 1200),
      ...pair('S03', 900, 1000),
    ]);
    const rows = Object.fromEntries(model.cohort!.rows.map((r) => [r.label, r.value]));
    // Differences 5, 4 and 1 points: mean 3.333, SD 2.082, t = 2.774 with 2 df (scipy: p = 0.1092).
    expect(rows['Pairs (n)']).toBe('3');
    expect(rows['Mean difference']).toBe('3.333 pp');
    expect(rows['SD of differences']).toBe('2.082 pp');
    expect(rows['Paired t-test']).toBe('t = 2.774, df = 2, p = 0.109');
    expect(rows['Wilcoxon signed-rank']).toBe('W = 0, p = 0.250 (two-sided)');
    expect(rows['95 % CI of the mean']).toMatch(/^-1\.8\d* pp to 8\.5\d* pp$/);
    expect(model.cohort!.chart.points).toEqual([
      { subject: 'S01', before: 10, after: 15 },
      { subject: 'S02', before: 8, after: 12 },
      { subject: 'S03', before: 9, after: 10 },
    ]);
    expect(model.cohortNote).toBeNull();
  });

  it('gives the cohort in µm² with --measure area', () => {
    const model = reportOf([...pair('S01', 1000, 1500), ...pair('S02', 800, 1200)], 'area');
    expect(model.cohort!.measureLabel).toBe('Stained area (µm²)');
    expect(model.cohort!.rows.find((r) => r.label === 'Mean difference')!.value).toBe('112.5 µm²');
    expect(model.cohort!.chart.points[0]).toEqual({ subject: 'S01', before: 250, after: 375 });
  });

  it('has no cohort section with one pair, and says why; names subjects left out', () => {
    const model = reportOf([
      ...pair('S01', 1000, 1500),
      { subject: 'S02', label: 'baseline', session: 0, stained: 1, analysed: 10 },
    ]);
    expect(model.cohort).toBeNull();
    expect(model.cohortNote).toBe('Cohort statistics need at least two complete pairs; this report has 1.');
    expect(model.notes).toEqual(['S02 has no images at week-12: left out.']);
    expect(model.subjects.map((s) => s.subject)).toEqual(['S01']);
  });
});

describe('default timepoints of a report', () => {
  it('compares the earliest session with the latest, matching labels without case', () => {
    const images = [
      ...pair('S01', 1, 2),
      { subject: 'S02', label: 'Week-6', session: 2, stained: 1, analysed: 10 },
      { subject: 'S02', label: 'BASELINE', session: 0, stained: 1, analysed: 10 },
    ].map(imageResult);
    expect(defaultTimepoints(images)).toEqual({ baseline: 'baseline', followup: 'week-12' });
    expect(defaultTimepoints(images.slice(0, 1))).toBeNull();
  });
});
