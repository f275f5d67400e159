/** The viewer's pure camera maths (renderer/viewer): zoom at a point, fit, sync, scale bar lengths. */
import { describe, expect, it } from 'vitest';
import {
  MAX_SCALE,
  clampScale,
  fitCamera,
  fitScale,
  formatZoom,
  imageToScreen,
  relativeCentre,
  resizeViewport,
  screenToImage,
  syncedCamera,
  zoomTo,
} from '../../renderer/viewer/camera';
import {
  initialPairCameras,
  pairCameraReducer,
  type PairCameraState,
} from '../../renderer/viewer/pair-cameras';
import { formatLength, scaleBarFor } from '../../renderer/viewer/scale-bar';

const image = { width: 4000, height: 3000 };
const viewport = { width: 800, height: 600 };

describe('camera', () => {
  it('converts screen and image points both ways', () => {
    const camera = { scale: 0.25, x: 40, y: -10 };
    const p = { x: 1234, y: 567 };
    const back = screenToImage(camera, imageToScreen(camera, p));
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
    expect(imageToScreen(camera, { x: 0, y: 0 })).toEqual({ x: 40, y: -10 });
  });

  it('fits the whole image, centred, within a margin', () => {
    const camera = fitCamera(image, viewport);
    expect(camera.scale).toBeCloseTo(fitScale(image, viewport), 12);
    expect(camera.scale).toBeLessThan(0.2);
    const topLeft = imageToScreen(camera, { x: 0, y: 0 });
    const bottomRight = imageToScreen(camera, { x: image.width, y: image.height });
    expect(topLeft.x).toBeGreaterThanOrEqual(0);
    expect(bottomRight.y).toBeLessThanOrEqual(viewport.height);
    expect(relativeCentre(camera, image, viewport)).toEqual({ x: 0.5, y: 0.5 });
  });

  it('zooms keeping the image point under the anchor in place', () => {
    const camera = fitCamera(image, viewport);
    const anchor = { x: 123, y: 456 };
    const under = screenToImage(camera, anchor);
    const zoomed = zoomTo(camera, anchor, camera.scale * 3);
    const after = screenToImage(zoomed, anchor);
    expect(after.x).toBeCloseTo(under.x, 9);
    expect(after.y).toBeCloseTo(under.y, 9);
  });

  it('clamps the scale between a quarter of the fit and 32x', () => {
    expect(clampScale(1000, image, viewport)).toBe(MAX_SCALE);
    expect(clampScale(1e-9, image, viewport)).toBeCloseTo(fitScale(image, viewport) / 4, 12);
  });

  it('syncs a second image by scale and relative position', () => {
    const other = { width: 1000, height: 2000 };
    const otherViewport = { width: 700, height: 500 };
    const source = zoomTo(fitCamera(image, viewport), { x: 100, y: 100 }, 0.8);
    const target = syncedCamera(source, image, viewport, other, otherViewport);
    expect(target.scale).toBe(0.8);
    const a = relativeCentre(source, image, viewport);
    const b = relativeCentre(target, other, otherViewport);
    expect(b.x).toBeCloseTo(a.x, 12);
    expect(b.y).toBeCloseTo(a.y, 12);
  });

  it('keeps the centre when the viewport is resized', () => {
    const camera = zoomTo(fitCamera(image, viewport), { x: 600, y: 100 }, 0.5);
    const bigger = { width: 1000, height: 900 };
    const resized = resizeViewport(camera, viewport, bigger);
    const a = relativeCentre(camera, image, viewport);
    const b = relativeCentre(resized, image, bigger);
    expect(b.x).toBeCloseTo(a.x, 12);
    expect(b.y).toBeCloseTo(a.y, 12);
  });

  it('formats the zoom as a percentage of full resolution', () => {
    expect(formatZoom(1)).toBe('100%');
    expect(formatZoom(0.0625)).toBe('6.3%');
    expect(formatZoom(16)).toBe('1,600%');
  });
});

describe('pair cameras', () => {
  const before = { width: 1200, height: 900 };
  const after = { width: 1600, height: 1100 };
  const ready = (): PairCameraState => {
    let state = initialPairCameras([before, after]);
    state = pairCameraReducer(state, { type: 'viewport', side: 0, size: { width: 600, height: 500 } });
    expect(state.cameras).toEqual([null, null]); // no fit until both panes have a size
    return pairCameraReducer(state, { type: 'viewport', side: 1, size: { width: 600, height: 500 } });
  };

  it('fits both to one shared scale while in sync', () => {
    const state = ready();
    const [a, b] = state.cameras;
    expect(a!.scale).toBe(b!.scale);
    expect(a!.scale).toBeCloseTo(
      Math.min(fitScale(before, { width: 600, height: 500 }), fitScale(after, { width: 600, height: 500 })),
      12,
    );
  });

  it('carries a wheel zoom on one pane to the other only while in sync', () => {
    let state = ready();
    state = pairCameraReducer(state, { type: 'zoom-at', side: 1, anchor: { x: 50, y: 60 }, factor: 2 });
    expect(state.cameras[0]!.scale).toBe(state.cameras[1]!.scale);
    expect(state.lead).toBe(1);
    const synced = state.cameras[0];
    state = pairCameraReducer(state, { type: 'sync', on: false });
    state = pairCameraReducer(state, { type: 'zoom-at', side: 1, anchor: { x: 50, y: 60 }, factor: 2 });
    expect(state.cameras[0]).toBe(synced);
    expect(state.cameras[1]!.scale).toBeCloseTo(synced!.scale * 2, 12);
    // Switching sync back on aligns the other pane to the one used last.
    state = pairCameraReducer(state, { type: 'sync', on: true });
    expect(state.cameras[0]!.scale).toBe(state.cameras[1]!.scale);
  });

  it('sets 1:1 on both and keeps ignoring unchanged viewport sizes', () => {
    let state = ready();
    state = pairCameraReducer(state, { type: 'one-to-one' });
    expect(state.cameras.map((c) => c!.scale)).toEqual([1, 1]);
    expect(pairCameraReducer(state, { type: 'viewport', side: 0, size: { width: 600, height: 500 } })).toBe(
      state,
    );
  });
});

describe('scale bar', () => {
  it('picks the longest 1-2-5 length that fits', () => {
    // 0.5 µm/px at 25 % zoom: 0.5 screen px per µm; 140 px hold 280 µm -> 200 µm.
    expect(scaleBarFor(0.25 / 0.5)).toEqual({ lengthUm: 200, lengthPx: 100, label: '200 µm' });
    expect(scaleBarFor(1)!.lengthUm).toBe(100);
    expect(scaleBarFor(0.01)!.label).toBe('10 mm');
    expect(scaleBarFor(300)!.lengthUm).toBe(0.2);
  });

  it('keeps every bar between 40 % and 100 % of the room', () => {
    for (let pxPerUm = 0.001; pxPerUm < 1000; pxPerUm *= 1.37) {
      const bar = scaleBarFor(pxPerUm)!;
      expect(bar.lengthPx).toBeLessThanOrEqual(140 + 1e-9);
      expect(bar.lengthPx).toBeGreaterThan(140 * 0.4 - 1e-9);
    }
  });

  it('refuses nonsense and formats millimetres', () => {
    expect(scaleBarFor(0)).toBeNull();
    expect(scaleBarFor(Number.NaN)).toBeNull();
    expect(formatLength(2000)).toBe('2 mm');
    expect(formatLength(50)).toBe('50 µm');
  });
});
