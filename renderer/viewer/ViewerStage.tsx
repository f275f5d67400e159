import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
  type PointerEvent,
} from 'react';
import { Stage } from 'react-konva';
import { panBy, screenToImage, type Camera, type Point, type Size } from './camera';
import { useElementSize } from './use-element-size';

export interface StageView {
  camera: Camera;
  viewport: Size;
  /** Screen (stage CSS pixels) to full-resolution image pixels: the only conversion layers need. */
  toImage: (screen: Point) => Point;
}

const StageViewContext = createContext<StageView | null>(null);

/** For layers that need the camera, e.g. to keep line widths constant on screen (width / scale). */
export function useStageView(): StageView {
  const value = useContext(StageViewContext);
  if (!value) throw new Error('useStageView() used outside <ViewerStage>');
  return value;
}

interface ViewerStageProps {
  camera: Camera | null;
  onViewport: (size: Size) => void;
  onCamera: (camera: Camera) => void;
  /** Wheel zoom around a screen point, by a multiplicative factor. */
  onZoomAt: (anchor: Point, factor: number) => void;
  /** Konva layers, drawn in full-resolution image coordinates. */
  children: ReactNode;
  /** HTML drawn over the stage in screen space (scale bar, messages). */
  overlay?: ReactNode;
  /** Mouse buttons that pan (0 primary, 1 middle). Editing tools will take the primary button. */
  panButtons?: readonly number[];
  testId?: string;
  label: string;
}

const WHEEL_LINE_PX = 16;
/** One wheel notch (100 px of scroll) zooms by about 1.2x: enough to move fast, fine enough to aim. */
const WHEEL_ZOOM_PER_PX = Math.log(1.2) / 100;

/**
 * A pannable, zoomable konva stage sized to its container. It owns no camera state: the camera comes
 * in and changes go out, so two stages can be kept in step and the camera never leaks into documents.
 */
export function ViewerStage(props: ViewerStageProps) {
  const { camera, onViewport, onCamera, onZoomAt, children, overlay, testId, label } = props;
  const panButtons = props.panButtons ?? [0, 1];
  const container = useRef<HTMLDivElement>(null);
  const size = useElementSize(container);
  const drag = useRef<{ pointerId: number; last: Point } | null>(null);
  const [panning, setPanning] = useState(false);

  useEffect(() => {
    if (size) onViewport(size);
  }, [size, onViewport]);

  // React's onWheel is passive; a non-passive listener is needed to stop the page from scrolling.
  const zoomAtRef = useRef(onZoomAt);
  useEffect(() => {
    zoomAtRef.current = onZoomAt;
  }, [onZoomAt]);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = element.getBoundingClientRect();
      const pixels = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * WHEEL_LINE_PX : e.deltaY;
      zoomAtRef.current(
        { x: e.clientX - rect.left, y: e.clientY - rect.top },
        Math.exp(-pixels * WHEEL_ZOOM_PER_PX),
      );
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!panButtons.includes(e.button) || !camera) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pointerId: e.pointerId, last: { x: e.clientX, y: e.clientY } };
    setPanning(true);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const active = drag.current;
    if (!active || active.pointerId !== e.pointerId || !camera) return;
    const dx = e.clientX - active.last.x;
    const dy = e.clientY - active.last.y;
    active.last = { x: e.clientX, y: e.clientY };
    if (dx !== 0 || dy !== 0) onCamera(panBy(camera, dx, dy));
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.pointerId !== e.pointerId) return;
    drag.current = null;
    setPanning(false);
  };

  const view: StageView | null =
    camera && size ? { camera, viewport: size, toImage: (p) => screenToImage(camera, p) } : null;

  return (
    <div
      ref={container}
      className={panning ? 'viewer-stage panning' : 'viewer-stage'}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-camera={camera ? JSON.stringify(camera) : ''}
      data-viewport={size ? `${size.width}x${size.height}` : ''}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
    >
      {view && (
        <Stage
          width={view.viewport.width}
          height={view.viewport.height}
          scaleX={view.camera.scale}
          scaleY={view.camera.scale}
          x={view.camera.x}
          y={view.camera.y}
        >
          <StageViewContext.Provider value={view}>{children}</StageViewContext.Provider>
        </Stage>
      )}
      {overlay}
    </div>
  );
}
