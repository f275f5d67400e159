/**
 * The editor's pure tool logic: shortcut table, pan buttons, the polygon state machine, drag shapes,
 * the lasso's point spacing, coordinate maps (image <-> preview grid) and brush sizes.
 */
import { describe, expect, it } from 'vitest';
import { ringArea } from '../../shared/geometry/measure';
import {
  brushDiameterPx,
  convertBrushSize,
  gridSpanToTarget,
  imagePointFromClient,
  imageToGridIndex,
  stepBrushSize,
} from '../../renderer/editor/coords';
import {
  dragShapeRing,
  lassoAppendInPlace,
  lineLength,
  polygonClick,
  polygonClose,
  polygonRemoveLast,
  type PolygonDraft,
} from '../../renderer/editor/drafts';
import { OTHER_SHORTCUTS, TOOLS, panButtonsFor, toolForKey } from '../../renderer/editor/tools';

describe('tools and shortcuts', () => {
  it('gives every tool its own key, none of them a key the pair view already uses', () => {
    const keys = TOOLS.map((t) => t.key);
    expect(new Set(keys).size).toBe(TOOLS.length);
    for (const taken of ['f', '1', '+', '-', '=', '[', ']', '?', ' ']) expect(keys).not.toContain(taken);
    for (const tool of TOOLS) {
      expect(toolForKey(tool.key)).toBe(tool.id);
      expect(toolForKey(tool.key.toUpperCase())).toBe(tool.id);
    }
    expect(toolForKey('q')).toBeNull();
    expect(toolForKey('Enter')).toBeNull();
  });

  it('documents undo, redo, Escape and the brush keys in the help', () => {
    const text = OTHER_SHORTCUTS.map((s) => s.keys).join(' | ');
    for (const key of [
      'Ctrl+Z',
      'Ctrl+Shift+Z',
      'Ctrl+Y',
      'Escape',
      '[',
      'Alt',
      'Space',
      'Enter',
      'Backspace',
    ])
      expect(text).toContain(key);
  });

  it('leaves the primary button to drawing tools and pans with it otherwise', () => {
    expect(panButtonsFor('pan', false)).toEqual([0, 1]);
    expect(panButtonsFor('select', false)).toEqual([0, 1]);
    for (const tool of ['rectangle', 'polygon', 'brush', 'wand', 'calibrate'] as const) {
      expect(panButtonsFor(tool, false)).toEqual([1]);
      // Space held: every tool pans with the primary button.
      expect(panButtonsFor(tool, true)).toEqual([0, 1]);
    }
  });
});

describe('polygon drawing', () => {
  const click = (draft: PolygonDraft, x: number, y: number, tolerance = 5) =>
    polygonClick(draft, { x, y }, tolerance);

  it('adds corners, ignores a second click on the last corner, and closes on the first corner', () => {
    let state = click({ points: [] }, 10, 10);
    expect(state.closed).toBe(false);
    state = click(state.draft, 100, 10);
    // The first half of a double-click lands on the last corner again: nothing is added.
    state = click(state.draft, 101, 11);
    expect(state.draft.points).toEqual([10, 10, 100, 10]);
    // Near the first corner with only two corners: a corner like any other.
    state = click(state.draft, 12, 12);
    expect(state.closed).toBe(false);
    expect(state.draft.points).toHaveLength(6);
    state = click(state.draft, 100, 100);
    state = click(state.draft, 11, 9);
    expect(state.closed).toBe(true);
    expect(state.draft.points).toEqual([10, 10, 100, 10, 12, 12, 100, 100]);
  });

  it('takes corners back with Backspace and refuses to close fewer than three', () => {
    let draft: PolygonDraft = { points: [0, 0, 50, 0, 50, 50] };
    expect(polygonClose(draft)).toEqual({ ring: [0, 0, 50, 0, 50, 50] });
    draft = polygonRemoveLast(draft);
    expect(draft.points).toEqual([0, 0, 50, 0]);
    const refused = polygonClose(draft);
    expect('problem' in refused && refused.problem).toMatch(/at least 3 corners; this one has 2/);
    expect(polygonRemoveLast(polygonRemoveLast(polygonRemoveLast(draft))).points).toEqual([]);
  });

  it('does not share arrays between drafts (a cancelled draft leaves the old one intact)', () => {
    const first: PolygonDraft = { points: [1, 2] };
    const next = click(first, 30, 40).draft;
    expect(first.points).toEqual([1, 2]);
    expect(next.points).toEqual([1, 2, 30, 40]);
  });
});

describe('drag shapes, lasso and lines', () => {
  it('spans a rectangle from either corner and an ellipse of the exact area', () => {
    const ring = dragShapeRing('rectangle', { x: 300, y: 200 }, { x: 100, y: 50 });
    expect(ring).toEqual([100, 50, 300, 50, 300, 200, 100, 200]);
    expect(ringArea(ring)).toBe(200 * 150);
    const ellipse = dragShapeRing('ellipse', { x: 0, y: 0 }, { x: 400, y: 200 });
    expect(ringArea(ellipse) / (Math.PI * 200 * 100)).toBeCloseTo(1, 6);
  });

  it('keeps lasso points at least a step apart', () => {
    const points: number[] = [];
    expect(lassoAppendInPlace(points, { x: 0, y: 0 }, 2)).toBe(true);
    expect(lassoAppendInPlace(points, { x: 1, y: 1 }, 2)).toBe(false);
    expect(lassoAppendInPlace(points, { x: 3, y: 0 }, 2)).toBe(true);
    expect(points).toEqual([0, 0, 3, 0]);
  });

  it('measures a calibration line', () => {
    expect(lineLength({ x: 10, y: 10 }, { x: 40, y: 50 })).toBe(50);
  });
});

describe('coordinate maps', () => {
  it('turns a client point into image pixels through the camera and the stage box', () => {
    const camera = { scale: 0.25, x: 40, y: -20 };
    expect(imagePointFromClient(camera, { x: 140, y: 80 }, { left: 50, top: 0 })).toEqual({ x: 200, y: 400 });
  });

  it('maps image pixels onto a coarser or finer grid by pixel centres, and grid spans back exactly', () => {
    for (const [imageSize, gridSize] of [
      [5000, 2048],
      [1200, 1200],
      [3000, 4096],
      [777, 100],
    ] as const) {
      // Every target pixel belongs to exactly the grid cell the span mapping gives it.
      const owner = Array.from({ length: imageSize }, (_, x) => imageToGridIndex(x, imageSize, gridSize));
      for (const [from, to] of [
        [0, 1],
        [3, 17],
        [gridSize - 5, gridSize],
        [0, gridSize],
      ] as const) {
        const [x0, x1] = gridSpanToTarget(from, to, gridSize, imageSize);
        const expected = owner.flatMap((cell, x) => (cell >= from && cell < to ? [x] : []));
        expect([x0, x1]).toEqual([expected[0] ?? x0, (expected.at(-1) ?? x0 - 1) + 1]);
      }
    }
    expect(imageToGridIndex(-3, 100, 10)).toBe(0);
    expect(imageToGridIndex(1e6, 100, 10)).toBe(9);
  });
});

describe('brush size', () => {
  it('converts µm to image pixels with the calibration, and says so when there is none', () => {
    expect(brushDiameterPx({ value: 50, unit: 'um' }, 0.5)).toEqual({ px: 100, calibrated: true });
    expect(brushDiameterPx({ value: 50, unit: 'um' }, null)).toEqual({ px: 50, calibrated: false });
    expect(brushDiameterPx({ value: 0.01, unit: 'px' }, null).px).toBe(1);
    expect(convertBrushSize({ value: 40, unit: 'px' }, 'um', 0.25)).toEqual({ value: 10, unit: 'um' });
    expect(convertBrushSize({ value: 10, unit: 'um' }, 'px', 0.25)).toEqual({ value: 40, unit: 'px' });
  });

  it('steps up and down with [ and ] and never gets stuck on rounding', () => {
    let size = { value: 1, unit: 'px' as const };
    // 1.25^30 is about 800: well inside the 4000 px limit.
    for (let i = 0; i < 30; i++) {
      const next = stepBrushSize(size, 1);
      expect(next.value).toBeGreaterThan(size.value);
      size = next as typeof size;
    }
    for (let i = 0; i < 60; i++) {
      const next = stepBrushSize(size, -1);
      expect(next.value).toBeLessThanOrEqual(size.value);
      size = next as typeof size;
    }
    expect(size.value).toBe(1);
    expect(stepBrushSize({ value: 4000, unit: 'px' }, 1).value).toBe(4000);
  });
});
