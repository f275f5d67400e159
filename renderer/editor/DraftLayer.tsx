import type Konva from 'konva';
import { Circle, Image as KonvaImage, Layer, Line, Text } from 'react-konva';
import type { Point } from '../viewer/camera';
import { useStageView } from '../viewer/ViewerStage';
import type { ToolController } from './tool-controller';
import { useControllerDraft } from './use-store';

const DRAFT_COLOUR = '#0f6aa6';
const LINE_COLOUR = '#d9480f';

/** The calibration line with end ticks and its length, all at constant screen size. */
function CalibrationLine({
  from,
  to,
  scale,
  label,
}: {
  from: Point;
  to: Point;
  scale: number;
  label: string;
}) {
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const nx = length > 0 ? -(to.y - from.y) / length : 0;
  const ny = length > 0 ? (to.x - from.x) / length : 1;
  const tick = 7 / scale;
  const end = (p: Point) => [p.x - nx * tick, p.y - ny * tick, p.x + nx * tick, p.y + ny * tick];
  const common = { stroke: LINE_COLOUR, strokeWidth: 2, strokeScaleEnabled: false, listening: false };
  return (
    <>
      <Line points={[from.x, from.y, to.x, to.y]} {...common} />
      <Line points={end(from)} {...common} />
      <Line points={end(to)} {...common} />
      <Text
        x={(from.x + to.x) / 2 + (nx * 12) / scale}
        y={(from.y + to.y) / 2 + (ny * 12) / scale}
        text={label}
        fontSize={13 / scale}
        fill={LINE_COLOUR}
        listening={false}
      />
    </>
  );
}

/** What a tool is drawing right now, above everything else. */
export function DraftLayer(props: {
  controller: ToolController;
  pendingLine: { from: Point; to: Point } | null;
  layerRef: React.Ref<Konva.Layer>;
}) {
  const { controller, pendingLine, layerRef } = props;
  const draft = useControllerDraft(controller);
  const cursor = controller.cursor;
  const { camera } = useStageView();
  const scale = camera.scale;
  const line = draft.type === 'line' ? draft : pendingLine;
  return (
    <Layer ref={layerRef} listening={false}>
      {draft.type === 'outline' && (
        <Line
          points={draft.hover ? [...draft.points, draft.hover.x, draft.hover.y] : draft.points}
          closed={draft.closed}
          stroke={DRAFT_COLOUR}
          strokeWidth={1.5}
          dash={[6, 4]}
          fill={draft.closed ? 'rgba(15, 106, 166, 0.12)' : undefined}
          strokeScaleEnabled={false}
          listening={false}
        />
      )}
      {draft.type === 'outline' && !draft.closed && draft.points.length >= 2 && (
        <Circle
          x={draft.points[0]}
          y={draft.points[1]}
          radius={5 / scale}
          stroke={DRAFT_COLOUR}
          strokeWidth={1.5}
          strokeScaleEnabled={false}
          fill="#ffffff"
          listening={false}
        />
      )}
      {draft.type === 'wand' && (
        <KonvaImage
          image={draft.picture}
          x={draft.x}
          y={draft.y}
          width={draft.width}
          height={draft.height}
          listening={false}
        />
      )}
      {line && (
        <CalibrationLine
          from={line.from}
          to={line.to}
          scale={scale}
          label={`${Math.hypot(line.to.x - line.from.x, line.to.y - line.from.y).toFixed(1)} px`}
        />
      )}
      {cursor && (
        <Circle
          x={cursor.at.x}
          y={cursor.at.y}
          radius={cursor.radius}
          stroke={cursor.erase ? '#b42318' : '#1d232b'}
          strokeWidth={1.5}
          dash={cursor.erase ? [4, 3] : undefined}
          strokeScaleEnabled={false}
          listening={false}
        />
      )}
    </Layer>
  );
}
