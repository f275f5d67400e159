/**
 * The live stain overlay of one pane: a Konva image layer placed in full-resolution image coordinates,
 * computed from the preview for the visible region at screen resolution (overlay-window.ts). A threshold
 * change repaints the coarse picture at once; the refined one follows when the view has been still.
 */
import type Konva from 'konva';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Image as KonvaImage, Layer } from 'react-konva';
import { useStageView } from '../viewer/ViewerStage';
import { overlayDrawn, setOverlayShowing, type OverlaySide } from './latency-probe';
import { drawIntoCanvas, paintCoarse, paintRefined, parseHexColour } from './overlay-raster';
import { planWindow, windowPlacement, windowServes, type OverlayWindow } from './overlay-window';
import { overlayFirstCode, type AnalysedField } from './stain-field';
import type { OverlayStyle } from './stain-settings';

/** The refined pass waits for the slider (or the view) to be still this long. */
const REFINE_DELAY_MS = 150;

interface StainOverlayLayerProps {
  side: OverlaySide;
  field: AnalysedField | null;
  /** Full-resolution image size. */
  image: { width: number; height: number };
  /** The threshold in OD; null = nothing is stained (an automatic method found no split). */
  thresholdOD: number | null;
  style: OverlayStyle;
}

interface Painted {
  field: AnalysedField;
  first: number;
  colour: string;
  window: OverlayWindow;
  refined: boolean;
}

export function StainOverlayLayer({ side, field, image, thresholdOD, style }: StainOverlayLayerProps) {
  const { camera, viewport } = useStageView();
  const layerRef = useRef<Konva.Layer>(null);
  const imageRef = useRef<Konva.Image>(null);
  const [canvas] = useState(() => document.createElement('canvas'));
  const painted = useRef<Painted | null>(null);
  const refineTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const active = style.visible && field !== null;

  useEffect(() => {
    setOverlayShowing(side, active);
    return () => setOverlayShowing(side, false);
  }, [side, active]);

  // The layer's own canvas gets a test id (tests read its pixels) and reports each draw to the probe.
  useEffect(() => {
    const layer = layerRef.current;
    if (!active || !layer) return;
    layer.getNativeCanvasElement().dataset.testid = `stain-overlay-${side}`;
    const onDraw = () => overlayDrawn(side);
    layer.on('draw', onDraw);
    return () => {
      layer.off('draw', onDraw);
    };
  }, [active, side]);

  useLayoutEffect(() => {
    if (!active || !field) {
      painted.current = null;
      if (refineTimer.current) clearTimeout(refineTimer.current);
      return;
    }
    const geometry = { image, preview: { width: field.width, height: field.height } };
    const previous = painted.current;
    const reuseWindow =
      previous && previous.field === field && windowServes(previous.window, camera, viewport, geometry);
    const window = reuseWindow ? previous.window : planWindow(camera, viewport, geometry);
    if (!window) return;
    const first = overlayFirstCode(thresholdOD);
    const rgb = parseHexColour(style.colour);
    if (
      previous &&
      previous.window === window &&
      previous.first === first &&
      previous.colour === style.colour
    )
      return; // a pan inside the computed margin: the picture is already there

    const paint = (refined: boolean) => {
      drawIntoCanvas(canvas, window, (out) =>
        (refined ? paintRefined : paintCoarse)(field, window, first, rgb, out),
      );
      const placement = windowPlacement(window, geometry);
      imageRef.current?.position(placement).size(placement);
      layerRef.current?.batchDraw();
      painted.current = { field, first, colour: style.colour, window, refined };
    };
    paint(false);
    if (refineTimer.current) clearTimeout(refineTimer.current);
    refineTimer.current = null;
    if (window.step > 1) refineTimer.current = setTimeout(() => paint(true), REFINE_DELAY_MS);
  }, [active, field, thresholdOD, style.colour, camera, viewport, image, canvas]);

  useEffect(
    () => () => {
      if (refineTimer.current) clearTimeout(refineTimer.current);
    },
    [],
  );

  if (!active) return null;
  return (
    <Layer ref={layerRef} listening={false} imageSmoothingEnabled={false}>
      <KonvaImage ref={imageRef} image={canvas} opacity={style.opacity} />
    </Layer>
  );
}
