/**
 * The stain panel's pure helpers (renderer/stain): which window of the preview the overlay covers, the
 * analysis region from annotations, the protocol from the panel's settings, and the wording of figures
 * (never NaN, n/a always with its reason).
 */
import { describe, expect, it } from 'vitest';
import { stainChange } from '../../shared/analysis/change';
import type { StainMeasurement } from '../../shared/analysis/measure';
import { parseProtocol, resolveProtocol } from '../../shared/analysis/protocol';
import type { Annotation, AnnotationClass } from '../../shared/annotations/types';
import { describeRegion, regionInPreview, regionOfAnnotations } from '../../renderer/stain/analysis-region';
import {
  idealStep,
  planWindow,
  visiblePreviewRect,
  windowPlacement,
  windowServes,
} from '../../renderer/stain/overlay-window';
import {
  absoluteChangeFigure,
  areaUm2Figure,
  foldFigure,
  formatUm2,
  fractionFigure,
  manualFigure,
  meanODFigure,
  pointsFigure,
  relativeFigure,
  thresholdFigure,
} from '../../renderer/stain/stain-format';
import {
  DEFAULT_SETTINGS,
  effectiveChannel,
  protocolOf,
  roundThreshold,
  thresholdProblem,
} from '../../renderer/stain/stain-settings';

/** A 16 000 x 12 000 image with a 4096 x 3072 preview (3.90625 image pixels per preview pixel). */
const geometry = { image: { width: 16_000, height: 12_000 }, preview: { width: 4096, height: 3072 } };
const viewport = { width: 600, height: 500 };

describe('overlay window', () => {
  it('covers the whole preview at fit, at about one overlay pixel per screen pixel', () => {
    const fit = { scale: 0.0375, x: 0, y: 25 }; // 16 000 px -> 600 screen px
    const window = planWindow(fit, viewport, geometry)!;
    expect(window).toMatchObject({ x0: 0, y0: 0, x1: 4096, y1: 3072 });
    // 4096 preview px over 600 screen px = 6.8 preview px per screen px: step 6 (never coarser than the screen).
    expect(window.step).toBe(6);
    expect(window.outWidth).toBe(Math.ceil(4096 / 6));
    expect(window.outHeight).toBe(512);
    expect(windowPlacement(window, geometry)).toEqual({
      x: 0,
      y: 0,
      width: window.outWidth * 6 * (16_000 / 4096),
      height: 512 * 6 * (12_000 / 3072),
    });
  });

  it('computes only the visible region plus a margin when zoomed in, snapped to the step grid', () => {
    // 1:1 on the image: 600 x 500 image px visible from (8000, 6000), i.e. 153.6 x 128 preview px.
    const camera = { scale: 1, x: -8000, y: -6000 };
    expect(idealStep(camera, geometry)).toBe(1);
    const visible = visiblePreviewRect(camera, viewport, geometry);
    expect(visible.x0).toBeCloseTo(2048, 9);
    expect(visible.x1).toBeCloseTo(2048 + 153.6, 9);
    const window = planWindow(camera, viewport, geometry)!;
    expect(window.x0).toBe(Math.floor(2048 - 153.6 * 0.25));
    expect(window.x1).toBe(Math.ceil(2048 + 153.6 * 1.25));
    expect(window.outWidth * window.outHeight).toBeLessThan(260 * 200);
    // A small pan stays inside the margin; a large one or a zoom needs a new window.
    expect(windowServes(window, { ...camera, x: camera.x - 60 }, viewport, geometry)).toBe(true);
    expect(windowServes(window, { ...camera, x: camera.x - 400 }, viewport, geometry)).toBe(false);
    expect(windowServes(window, { ...camera, scale: 0.1 }, viewport, geometry)).toBe(false);
  });

  it('starts windows on multiples of the step, so a pan never shifts the blocks', () => {
    const camera = { scale: 0.1, x: -333, y: -217 };
    const window = planWindow(camera, viewport, geometry)!;
    expect(window.step).toBe(2);
    expect(window.x0 % 2).toBe(0);
    expect(window.y0 % 2).toBe(0);
  });

  it('has nothing to compute when the image is out of view', () => {
    expect(planWindow({ scale: 1, x: 5000, y: 0 }, viewport, geometry)).toBeNull();
  });
});

describe('analysis region from annotations', () => {
  const classes: AnnotationClass[] = [
    { id: 1, name: 'Region of interest', colour: '#2f80ed', role: 'roi' },
    { id: 2, name: 'Exclude', colour: '#828282', role: 'exclude' },
    { id: 3, name: 'Stained collagen', colour: '#9b51e0', role: 'stained' },
    { id: 4, name: 'Dermis', colour: '#00aa00', role: null },
    { id: 5, name: 'Not stained', colour: '#a0a0a0', role: 'unstained' },
  ];
  const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];
  const polygons = (classId: number, outer: number[], holes: number[][] = []): Annotation => ({
    id: `a${classId}-${outer[0]}`,
    classId,
    kind: 'polygon',
    geometry: { type: 'polygons', polygons: [{ outer, holes }] },
    name: '',
  });
  const mask = (classId: number): Annotation => ({
    id: `m${classId}`,
    classId,
    kind: 'mask',
    geometry: { type: 'mask', mask: { scale: 1, left: 0, top: 0, width: 1, height: 1, counts: [0, 1] } },
    name: '',
  });

  it('takes ROI outlines (holes kept) as the region and exclusions as cuts; other classes are ignored', () => {
    const r = regionOfAnnotations(
      [
        polygons(1, square(0, 0, 100), [square(10, 10, 20)]),
        polygons(2, square(50, 50, 10)),
        polygons(3, square(0, 0, 5)),
        polygons(4, square(0, 0, 7)),
        mask(1),
      ],
      classes,
    );
    expect(r.region).toEqual({
      include: [[square(0, 0, 100), square(10, 10, 20)]],
      exclude: [[square(50, 50, 10)]],
      includeMasks: [{ scale: 1, left: 0, top: 0, width: 1, height: 1, counts: [0, 1] }],
      excludeMasks: [],
    });
    expect(r).toMatchObject({ roiShapes: 2, excludeShapes: 1 });
    expect(describeRegion(r, true)).toBe(
      'Measured inside 2 regions of interest (tissue only), minus 1 exclusion. Corrections applied last: 1 Stained collagen mark added.',
    );
    expect(describeRegion(r, false)).toBe(
      'Measured inside 2 regions of interest, minus 1 exclusion. Corrections applied last: 1 Stained collagen mark added.',
    );
  });

  it('sends painted ROI and exclusion masks with the region, and alone they make a region too', () => {
    const painted = regionOfAnnotations([mask(2)], classes);
    expect(painted.region).toEqual({
      include: null,
      exclude: [],
      includeMasks: [],
      excludeMasks: [{ scale: 1, left: 0, top: 0, width: 1, height: 1, counts: [0, 1] }],
    });
    expect(describeRegion(painted, false)).toBe('Measured in the whole image, minus 1 exclusion.');
  });

  it('keeps the whole image (or tissue) as the region when only exclusions are drawn, and nothing at all without', () => {
    const onlyCuts = regionOfAnnotations([polygons(2, square(5, 5, 5))], classes);
    expect(onlyCuts.region).toEqual({
      include: null,
      exclude: [[square(5, 5, 5)]],
      includeMasks: [],
      excludeMasks: [],
    });
    expect(describeRegion(onlyCuts, true)).toBe('Measured in the detected tissue, minus 1 exclusion.');
    const none = regionOfAnnotations([polygons(3, square(0, 0, 4))], classes);
    expect(none.region).toBeNull();
    expect(describeRegion(none, false)).toBe(
      'Measured in the whole image. Corrections applied last: 1 Stained collagen mark added.',
    );
    expect(describeRegion(regionOfAnnotations([], classes), false)).toBe('Measured in the whole image.');
  });

  it('drops degenerate outlines (fewer than three points) rather than send them to be refused', () => {
    const r = regionOfAnnotations(
      [polygons(1, [0, 0, 10, 10]), polygons(1, square(0, 0, 9), [[1, 1]])],
      classes,
    );
    expect(r.region).toEqual({
      include: [[square(0, 0, 9)]],
      exclude: [],
      includeMasks: [],
      excludeMasks: [],
    });
  });

  it('reads the corrections: Stained collagen marks add, Not stained marks remove, with their ids', () => {
    const r = regionOfAnnotations(
      [
        polygons(3, square(0, 0, 5)),
        mask(3),
        mask(5),
        polygons(5, square(2, 2, 2)),
        polygons(4, square(0, 0, 9)),
      ],
      classes,
    );
    expect(r.marks.stained).toEqual({
      polygons: [[square(0, 0, 5)]],
      masks: [{ scale: 1, left: 0, top: 0, width: 1, height: 1, counts: [0, 1] }],
      ids: ['a3-0', 'm3'],
    });
    expect(r.marks.notStained.ids).toEqual(['m5', 'a5-2']);
    expect(describeRegion(r, false)).toBe(
      'Measured in the whole image. Corrections applied last: 2 Stained collagen marks added, 2 Not stained marks removed.',
    );
    // In the preview the marks' outlines are scaled like the region's; masks keep their own grid.
    const preview = regionInPreview(r, { width: 100, height: 100 }, { width: 50, height: 25 });
    expect(preview).toMatchObject({
      include: null,
      exclude: [],
      addStained: [[[0, 0, 2.5, 0, 2.5, 1.25, 0, 1.25]]],
      addStainedMasks: [{ scale: 1 }],
      removeStained: [[[1, 0.5, 2, 0.5, 2, 1, 1, 1]]],
      maskPixelFactor: { x: 0.5, y: 0.25 },
    });
  });

  const noMarks = {
    stained: { polygons: [], masks: [], ids: [] },
    notStained: { polygons: [], masks: [], ids: [] },
  };

  it('scales a region to the preview', () => {
    const preview = regionInPreview(
      { region: { include: [[square(0, 0, 1000)]], exclude: [[square(100, 200, 100)]] }, marks: noMarks },
      { width: 8000, height: 6000 },
      { width: 4000, height: 2000 },
    );
    expect(preview).toEqual({
      include: [[[0, 0, 500, 0, 500, 333.3333333333333, 0, 333.3333333333333]]],
      exclude: [[[50, 66.66666666666666, 100, 66.66666666666666, 100, 100, 50, 100]]],
      includeMasks: [],
      excludeMasks: [],
      maskPixelFactor: { x: 0.5, y: 1 / 3 },
    });
    expect(
      regionInPreview({ region: null, marks: noMarks }, { width: 1, height: 1 }, { width: 1, height: 1 }),
    ).toBeNull();
  });
});

describe('settings to protocol', () => {
  const builtIn = {
    name: 'hed',
    description: '',
    builtIn: true,
    target: 'dab',
    stains: [
      { name: 'hematoxylin', od: [0.65, 0.7, 0.29] as [number, number, number] },
      { name: 'eosin', od: [0.07, 0.99, 0.11] as [number, number, number] },
      { name: 'dab', od: [0.27, 0.57, 0.78] as [number, number, number] },
    ],
  };
  const calibrated = {
    name: 'sirius-lab2',
    description: 'Calibrated in this study',
    builtIn: false,
    target: 'sirius-lab2',
    stains: [
      { name: 'sirius-lab2', od: [0.1, 0.8, 0.6] as [number, number, number] },
      { name: 'pink', od: [0.07, 0.99, 0.11] as [number, number, number] },
    ],
  };

  it('names a built-in preset and sends a calibrated one with its vectors, so both sides resolve the same', () => {
    const hed = protocolOf({ ...DEFAULT_SETTINGS, preset: 'hed', channel: 'eosin' }, builtIn);
    expect(hed).toEqual({
      stain: 'hed',
      stains: null,
      channel: 'eosin',
      threshold: { method: 'fixed', od: 0.15 },
      tissue: 'auto',
    });
    const saved = protocolOf(
      { ...DEFAULT_SETTINGS, preset: 'sirius-lab2', method: 'otsu', detectTissue: false },
      calibrated,
    );
    expect(saved).toMatchObject({
      stain: 'sirius-lab2',
      channel: 'sirius-lab2',
      threshold: { method: 'otsu' },
    });
    expect(saved.tissue).toBe('none');
    const params = resolveProtocol(parseProtocol(saved), {
      umPerPx: null,
      hasRoi: false,
      white: [255, 255, 255],
    });
    expect(params.channel).toBe('sirius-lab2');
    expect(params.stain.derivedThird).toBe(true);
  });

  it('falls back to the preset’s target when the chosen channel belongs to another preset', () => {
    expect(effectiveChannel(builtIn, 'purple')).toBe('dab');
    expect(effectiveChannel(builtIn, null)).toBe('dab');
    expect(effectiveChannel(builtIn, 'hematoxylin')).toBe('hematoxylin');
  });

  it('refuses typed thresholds outside (0, 3] OD with the reason, and rounds slider values', () => {
    expect(thresholdProblem(0.2)).toBeNull();
    expect(thresholdProblem(3)).toBeNull();
    expect(thresholdProblem(0)).toBe('The threshold must be above 0 OD.');
    expect(thresholdProblem(3.5)).toBe('The threshold can be at most 3 OD.');
    expect(thresholdProblem(Number.NaN)).toBe('Type a number, e.g. 0.15.');
    expect(roundThreshold(0.15 + 0.005)).toBe(0.155);
  });
});

describe('figures', () => {
  const measurement = (over: Partial<StainMeasurement>): StainMeasurement => ({
    stainedAreaPx: 1000,
    analyzedAreaPx: 10_000,
    stainedFraction: 0.1,
    stainedFractionReason: null,
    stainedAreaUm2: 250,
    analyzedAreaUm2: 2500,
    meanStainedOD: 0.4321,
    objectsRemoved: 0,
    holesFilled: 0,
    manualAddedPx: 0,
    manualRemovedPx: 0,
    ...over,
  });

  it('writes areas, fractions, OD and thresholds', () => {
    expect(formatUm2(1_234_567.4)).toBe('1,234,567 µm²');
    expect(formatUm2(12.34)).toBe('12.3 µm²');
    expect(formatUm2(0)).toBe('0 µm²');
    expect(fractionFigure(measurement({}))).toEqual({ text: '10.00 %', reason: null });
    expect(manualFigure(measurement({})).text).toBe('none');
    expect(manualFigure(measurement({ manualAddedPx: 12_345, manualRemovedPx: 0 })).text).toBe(
      '+12,345 px / −0 px',
    );
    expect(meanODFigure(measurement({}))).toEqual({ text: '0.432 OD', reason: null });
    expect(thresholdFigure(0.215, 'Otsu')).toEqual({ text: '0.215 OD', reason: null });
  });

  it('says n/a with the reason for every value that does not exist', () => {
    expect(areaUm2Figure(null)).toEqual({
      text: 'n/a',
      reason: 'not calibrated',
    });
    const noTissue = measurement({
      stainedAreaPx: 0,
      analyzedAreaPx: 0,
      stainedFraction: null,
      stainedFractionReason: 'no tissue was detected (…)',
      meanStainedOD: null,
    });
    expect(fractionFigure(noTissue)).toEqual({ text: 'n/a', reason: 'no tissue was detected (…)' });
    const cliWorded = measurement({
      stainedFraction: null,
      stainedFractionReason: 'no tissue was detected; check the image or analyse it with --tissue none',
    });
    expect(fractionFigure(cliWorded).reason).toBe(
      'no tissue was detected; check the image or switch “Tissue only” off',
    );
    expect(meanODFigure(noTissue).reason).toBe('no pixel is stained at this threshold');
    expect(thresholdFigure(null, 'Otsu').reason).toContain('Otsu found no split');

    const change = stainChange(measurement({}), noTissue);
    for (const figure of [pointsFigure(change), relativeFigure(change), foldFigure(change)]) {
      expect(figure.text).toBe('n/a');
      expect(figure.reason).toBeTruthy();
    }
  });

  it('signs changes, uses µm² only when both images are calibrated, and says when it falls back to pixels', () => {
    const before = measurement({});
    const after = measurement({ stainedAreaPx: 2500, stainedFraction: 0.25, stainedAreaUm2: 625 });
    const change = stainChange(before, after);
    expect(absoluteChangeFigure(change)).toEqual({ text: '+375 µm²', reason: null });
    expect(pointsFigure(change)).toEqual({ text: '+15.00 pp', reason: null });
    expect(relativeFigure(change)).toEqual({ text: '+150.0 %', reason: null });
    expect(foldFigure(change)).toEqual({ text: '2.50×', reason: null });

    const down = stainChange(after, before);
    expect(absoluteChangeFigure(down).text).toBe('−375 µm²');
    expect(pointsFigure(down).text).toBe('−15.00 pp');
    expect(relativeFigure(down).text).toBe('−60.0 %');

    const uncalibrated = stainChange(before, measurement({ stainedAreaPx: 1500, stainedAreaUm2: null }));
    expect(absoluteChangeFigure(uncalibrated)).toEqual({
      text: '+500 px',
      reason: 'in pixels: an image has no calibration (um per pixel)',
    });

    const fromZero = stainChange(measurement({ stainedFraction: 0, stainedAreaPx: 0 }), after);
    expect(relativeFigure(fromZero)).toEqual({
      text: 'n/a',
      reason: 'the before fraction is 0: relative change and fold are undefined',
    });
  });
});
