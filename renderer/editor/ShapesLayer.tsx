import type Konva from 'konva';
import { Layer, Line, Rect, Shape } from 'react-konva';
import type { DocAnnotation } from '../../shared/annotations/document';
import type { AnnotationGeometry } from '../../shared/annotations/types';
import { useStageView } from '../viewer/ViewerStage';
import { hasEditableVertices } from './hit-test';
import type { ImageEditSession } from './session';
import type { PairEditorStore } from './store';
import type { ToolController } from './tool-controller';
import { shapeEvents, useEditDraft, useSessionEvents } from './use-store';

const STROKE_PX = 1.5;
const SELECTED_STROKE_PX = 2.5;
const HANDLE_PX = 7;

/** Fill opacity by role: regions stay see-through, stain and user marks a little stronger. */
const fillAlpha = (role: string | null | undefined) =>
  role === 'roi' ? 0.08 : role === 'exclude' ? 0.22 : 0.3;

const withAlpha = (hex: string, alpha: number) =>
  `${hex}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;

type Polygons = Extract<AnnotationGeometry, { type: 'polygons' }>['polygons'];

/** Vertex handles as one shape: hundreds of Konva rectangles would each cost a node and a draw call. */
function Handles({ polygons, scale, colour }: { polygons: Polygons; scale: number; colour: string }) {
  const size = HANDLE_PX / scale;
  return (
    <Shape
      listening={false}
      sceneFunc={(context: Konva.Context) => {
        const ctx = context._context;
        ctx.save();
        ctx.lineWidth = 1.5 / scale;
        ctx.fillStyle = '#ffffff';
        ctx.strokeStyle = colour;
        for (const polygon of polygons) {
          for (const ring of [polygon.outer, ...polygon.holes]) {
            for (let i = 0; i + 1 < ring.length; i += 2) {
              ctx.fillRect(ring[i] - size / 2, ring[i + 1] - size / 2, size, size);
              ctx.strokeRect(ring[i] - size / 2, ring[i + 1] - size / 2, size, size);
            }
          }
        }
        ctx.restore();
      }}
    />
  );
}

function PolygonsShape(props: {
  id: string;
  polygons: Polygons;
  colour: string;
  fill: string;
  selected: boolean;
}) {
  const { polygons, colour, fill, selected } = props;
  const strokeWidth = selected ? SELECTED_STROKE_PX : STROKE_PX;
  const common = {
    stroke: colour,
    strokeWidth,
    strokeScaleEnabled: false,
    listening: false,
    perfectDrawEnabled: false,
  };
  const dash = selected ? [8, 4] : undefined;
  return (
    <>
      {polygons.map((polygon, i) =>
        polygon.holes.length === 0 ? (
          <Line key={i} points={polygon.outer} closed fill={fill} dash={dash} {...common} />
        ) : (
          // Holes need one path filled even-odd; a Line has one ring.
          <Shape
            key={i}
            fill={fill}
            fillRule="evenodd"
            dash={dash}
            {...common}
            sceneFunc={(context, shape) => {
              context.beginPath();
              for (const ring of [polygon.outer, ...polygon.holes]) {
                context.moveTo(ring[0], ring[1]);
                for (let j = 2; j + 1 < ring.length; j += 2) context.lineTo(ring[j], ring[j + 1]);
                context.closePath();
              }
              context.fillStrokeShape(shape);
            }}
          />
        ),
      )}
    </>
  );
}

/** Point marks (counted, no area), e.g. imported from ImageJ: small rings of constant screen size. */
function PointMarks({ points, colour, scale }: { points: number[]; colour: string; scale: number }) {
  const radius = 4 / scale;
  return (
    <Shape
      listening={false}
      sceneFunc={(context: Konva.Context) => {
        const ctx = context._context;
        ctx.save();
        ctx.lineWidth = 2 / scale;
        ctx.strokeStyle = colour;
        ctx.beginPath();
        for (let i = 0; i + 1 < points.length; i += 2) {
          ctx.moveTo(points[i] + radius, points[i + 1]);
          ctx.arc(points[i], points[i + 1], radius, 0, 2 * Math.PI);
        }
        ctx.stroke();
        ctx.restore();
      }}
    />
  );
}

/** A mask's bounds when selected (the pixels themselves are on the mask layer). */
function MaskOutline({
  session,
  annotation,
  colour,
  dx,
  dy,
}: {
  session: ImageEditSession;
  annotation: DocAnnotation;
  colour: string;
  dx: number;
  dy: number;
}) {
  if (annotation.geometry.type !== 'mask') return null;
  const mask = annotation.geometry.mask;
  const box = session.maskBounds(annotation.id);
  if (!box) return null;
  const s = mask.scale;
  return (
    <Rect
      x={box.left * s + dx}
      y={box.top * s + dy}
      width={(box.right - box.left) * s}
      height={(box.bottom - box.top) * s}
      stroke={colour}
      strokeWidth={SELECTED_STROKE_PX}
      dash={[6, 4]}
      strokeScaleEnabled={false}
      listening={false}
    />
  );
}

/** Outlined annotations as Konva lines in image pixels; line widths stay constant on screen. */
export function ShapesLayer({
  store,
  session,
  controller,
}: {
  store: PairEditorStore;
  session: ImageEditSession;
  controller: ToolController;
}) {
  const draft = useEditDraft(controller);
  useSessionEvents(session, shapeEvents);
  const { camera } = useStageView();
  const selectedId = session.selectedId;
  // Hidden classes are a view choice: their shapes stay in the document and the measurements.
  const annotations = session.doc.values().filter((a) => !store.isClassHidden(a.classId));
  const found = selectedId === null ? undefined : session.doc.get(selectedId);
  const selected = found && !store.isClassHidden(found.classId) ? found : undefined;
  return (
    <Layer listening={false}>
      {annotations.map((annotation) => {
        const cls = store.classById(annotation.classId);
        const colour = cls?.colour ?? '#888888';
        const geometry =
          draft.type === 'edit' && draft.id === annotation.id ? draft.geometry : annotation.geometry;
        if (geometry.type === 'polygons') {
          return (
            <PolygonsShape
              key={annotation.id}
              id={annotation.id}
              polygons={geometry.polygons}
              colour={colour}
              fill={withAlpha(colour, fillAlpha(cls?.role))}
              selected={annotation.id === selectedId}
            />
          );
        }
        if (geometry.type === 'line') {
          return (
            <Line
              key={annotation.id}
              points={geometry.points}
              stroke={colour}
              strokeWidth={STROKE_PX}
              strokeScaleEnabled={false}
              listening={false}
            />
          );
        }
        if (geometry.type === 'points') {
          return (
            <PointMarks key={annotation.id} points={geometry.points} colour={colour} scale={camera.scale} />
          );
        }
        return null;
      })}
      {selected && selected.geometry.type === 'mask' && (
        <MaskOutline
          session={session}
          annotation={selected}
          colour={store.classById(selected.classId)?.colour ?? '#888888'}
          dx={draft.type === 'edit' && draft.id === selected.id ? draft.dx : 0}
          dy={draft.type === 'edit' && draft.id === selected.id ? draft.dy : 0}
        />
      )}
      {selected && store.tool === 'select' && hasEditableVertices(selected) && (
        <Handles
          polygons={
            draft.type === 'edit' && draft.id === selected.id && draft.geometry.type === 'polygons'
              ? draft.geometry.polygons
              : (selected.geometry as Extract<AnnotationGeometry, { type: 'polygons' }>).polygons
          }
          scale={camera.scale}
          colour={store.classById(selected.classId)?.colour ?? '#888888'}
        />
      )}
    </Layer>
  );
}
