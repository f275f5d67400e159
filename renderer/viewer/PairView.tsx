import { useCallback, useEffect, useReducer, type ReactNode } from 'react';
import type { Camera, Point, Size } from './camera';
import { initialPairCameras, pairCameraReducer, type Side } from './pair-cameras';
import { PairToolbar } from './PairToolbar';
import { ViewerPane, type PairImage } from './ViewerPane';
import { useStainAnalysis } from '../stain/use-stain-analysis';
import { usePairEditor } from '../editor/use-pair-editor';

interface PairViewProps {
  before: PairImage;
  after: PairImage;
  onBack: () => void;
  /** Slots for later panels (stain analysis, annotation tools). */
  toolbarExtras?: ReactNode;
  sidePanel?: ReactNode;
  layers?: { before?: ReactNode; after?: ReactNode };
}

const ZOOM_STEP = 1.5;

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** Before and after side by side, with cameras kept in step while Sync is on. */
export function PairView({ before, after, onBack, toolbarExtras, sidePanel, layers }: PairViewProps) {
  const [state, dispatch] = useReducer(pairCameraReducer, [before.record, after.record] as const, ([b, a]) =>
    initialPairCameras([
      { width: b.width, height: b.height },
      { width: a.width, height: a.height },
    ]),
  );

  // The stain panel (renderer/stain): its overlay sits right above each image, its panel in the side column.
  const stain = useStainAnalysis(before.record, after.record);
  // The annotation editor (renderer/editor): tools in the toolbar, layers on each image, a panel per image.
  const editor = usePairEditor(before.record, after.record);

  const onViewport = useCallback((side: Side, size: Size) => dispatch({ type: 'viewport', side, size }), []);
  const onCamera = useCallback(
    (side: Side, camera: Camera) => dispatch({ type: 'camera', side, camera }),
    [],
  );
  const onZoomAt = useCallback(
    (side: Side, anchor: Point, factor: number) => dispatch({ type: 'zoom-at', side, anchor, factor }),
    [],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === 'f') dispatch({ type: 'fit' });
      else if (e.key === '1') dispatch({ type: 'one-to-one' });
      else if (e.key === '+' || e.key === '=') dispatch({ type: 'zoom-centre', factor: ZOOM_STEP });
      else if (e.key === '-') dispatch({ type: 'zoom-centre', factor: 1 / ZOOM_STEP });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <main className="pair-screen" data-testid="pair-view" data-sync={state.sync}>
      <PairToolbar
        subjectCode={before.subject.code === after.subject.code ? before.subject.code : null}
        sync={state.sync}
        onBack={onBack}
        onFit={() => dispatch({ type: 'fit' })}
        onOneToOne={() => dispatch({ type: 'one-to-one' })}
        onZoom={(factor) => dispatch({ type: 'zoom-centre', factor: factor > 0 ? ZOOM_STEP : 1 / ZOOM_STEP })}
        onSync={(on) => dispatch({ type: 'sync', on })}
      >
        {toolbarExtras}
        {editor.toolbar}
      </PairToolbar>
      <div className="pair-body">
        <div className="pair-panes">
          {([0, 1] as const).map((side) => {
            const key = side === 0 ? 'before' : 'after';
            return (
              <ViewerPane
                key={key}
                side={side}
                role={side === 0 ? 'Before' : 'After'}
                image={side === 0 ? before : after}
                camera={state.cameras[side]}
                onViewport={onViewport}
                onCamera={onCamera}
                onZoomAt={onZoomAt}
                panButtons={editor.panButtons}
                footer={editor.footers[side]}
                layers={
                  <>
                    {stain.layers[key]}
                    {layers?.[key]}
                    {editor.layers[side]}
                  </>
                }
              />
            );
          })}
        </div>
        <aside className="pair-side">
          {stain.panel}
          {editor.panel}
          {sidePanel}
        </aside>
      </div>
    </main>
  );
}
