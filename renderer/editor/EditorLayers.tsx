import type Konva from 'konva';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { Layer } from 'react-konva';
import { imagePointFromClient, stagePoint } from './coords';
import type { Side } from '../viewer/pair-cameras';
import { useStageView, type StageView } from '../viewer/ViewerStage';
import { DraftLayer } from './DraftLayer';
import type { WandSupport } from './gestures/paint-gestures';
import { MaskRenderer } from './mask-renderer';
import type { ImageEditSession } from './session';
import { ShapesLayer } from './ShapesLayer';
import type { PairEditorStore } from './store';
import { ToolController } from './tool-controller';
import type { ApiClient } from '../../shared/api';
import { useEditDraft, useStoreVersion } from './use-store';

const DEFAULT_COLOUR = '#888888';

/** The painted masks, drawn tile by tile by MaskRenderer outside React. */
function MaskLayer({
  store,
  session,
  controller,
}: {
  store: PairEditorStore;
  session: ImageEditSession;
  controller: ToolController;
}) {
  const layer = useRef<Konva.Layer>(null);
  const renderer = useRef<MaskRenderer | null>(null);
  const colourOf = useMemo(() => {
    const colours = new Map(store.classes.map((c) => [c.id, c.colour]));
    return (classId: number) => colours.get(classId) ?? DEFAULT_COLOUR;
    // The class list is replaced (never mutated) when a class is added.
  }, [store.classes]);
  useEffect(() => {
    if (!layer.current) return;
    const created = new MaskRenderer(layer.current, session, colourOf);
    created.setHidden(store.hiddenClassIds);
    renderer.current = created;
    return () => {
      created.destroy();
      renderer.current = null;
    };
    // Colours are passed on below without rebuilding every tile canvas.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);
  useEffect(() => renderer.current?.setColours(colourOf), [colourOf]);
  useEffect(() => renderer.current?.setHidden(store.hiddenClassIds), [store.hiddenClassIds]);
  const draft = useEditDraft(controller);
  useEffect(() => {
    renderer.current?.setOffset(
      draft.type === 'edit' ? draft.id : null,
      draft.type === 'edit' ? draft.dx : 0,
      draft.type === 'edit' ? draft.dy : 0,
    );
  }, [draft]);
  return <Layer ref={layer} listening={false} imageSmoothingEnabled={false} />;
}

/**
 * Binds the pane's pointer events to its tool controller. Native listeners on the Konva container:
 * Konva's own hit graph is off (listening false everywhere), hit testing is ours, in image pixels.
 */
function usePointerInput(
  layer: React.RefObject<Konva.Layer | null>,
  controller: ToolController,
  view: StageView,
  store: PairEditorStore,
) {
  const viewRef = useRef(view);
  useLayoutEffect(() => {
    viewRef.current = view;
    controller.setScale(view.camera.scale);
  }, [view, controller]);
  useEffect(() => {
    const element = layer.current?.getStage()?.container();
    if (!element) return;
    const read = (e: MouseEvent) => {
      const box = element.getBoundingClientRect();
      const client = { x: e.clientX, y: e.clientY };
      return {
        image: imagePointFromClient(viewRef.current.camera, client, box),
        info: { altKey: e.altKey, screen: stagePoint(client, box) },
      };
    };
    let captured: number | null = null;
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0 || store.spaceHeld || store.tool === 'pan') return;
      // A press on the image takes the keyboard back from a toolbar field, so shortcuts work again.
      if (document.activeElement instanceof HTMLElement && document.activeElement !== document.body)
        document.activeElement.blur();
      const { image, info } = read(e);
      if (controller.down(image, info)) {
        element.setPointerCapture(e.pointerId);
        captured = e.pointerId;
        e.preventDefault();
        // The press is the tool's: the pane's own drag-to-pan (a React handler up the tree) must not see it.
        e.stopPropagation();
      }
    };
    const onMove = (e: PointerEvent) => {
      const { image, info } = read(e);
      controller.move(image, info);
    };
    const onUp = (e: PointerEvent) => {
      if (e.button !== 0) return;
      const { image, info } = read(e);
      controller.up(image, info);
      if (captured !== null && element.hasPointerCapture(captured)) element.releasePointerCapture(captured);
      captured = null;
    };
    const onCancel = () => controller.cancel();
    const onDoubleClick = () => controller.doubleClick();
    const onLeave = () => controller.leave();
    element.addEventListener('pointerdown', onDown);
    element.addEventListener('pointermove', onMove);
    element.addEventListener('pointerup', onUp);
    element.addEventListener('pointercancel', onCancel);
    element.addEventListener('dblclick', onDoubleClick);
    element.addEventListener('pointerleave', onLeave);
    return () => {
      element.removeEventListener('pointerdown', onDown);
      element.removeEventListener('pointermove', onMove);
      element.removeEventListener('pointerup', onUp);
      element.removeEventListener('pointercancel', onCancel);
      element.removeEventListener('dblclick', onDoubleClick);
      element.removeEventListener('pointerleave', onLeave);
    };
  }, [layer, controller, store]);
}

/** Cursor over the pane: a crosshair for drawing tools, the pane's own grab hand for panning. */
function useToolCursor(layer: React.RefObject<Konva.Layer | null>, store: PairEditorStore) {
  const panning = store.tool === 'pan' || store.spaceHeld;
  const cursor = panning ? '' : store.tool === 'select' ? 'default' : 'crosshair';
  useEffect(() => {
    const element = layer.current?.getStage()?.container();
    if (element) element.style.cursor = cursor;
  }, [layer, cursor]);
}

/** Everything the editor draws on one pane, and its pointer input. */
export function EditorLayers({
  store,
  api,
  side,
  wand,
}: {
  store: PairEditorStore;
  api: ApiClient;
  side: Side;
  wand: WandSupport;
}) {
  useStoreVersion(store);
  const view = useStageView();
  const controller = useMemo(() => new ToolController(store, api, side, wand), [store, api, side, wand]);
  useEffect(() => {
    store.registerController(side, controller);
    return () => {
      controller.cancel();
      store.registerController(side, null, controller);
    };
  }, [store, side, controller]);
  const draftLayer = useRef<Konva.Layer>(null);
  usePointerInput(draftLayer, controller, view, store);
  useToolCursor(draftLayer, store);
  const session = store.session(side);
  // Read the preview pixels as soon as the wand is chosen, so the first click fills at once.
  useEffect(() => {
    if (store.tool === 'wand' && session) wand.grid(session.imageId);
  }, [store.tool, session, wand]);
  const pending = store.calibration?.side === side ? store.calibration : null;
  return (
    <>
      {session && <MaskLayer store={store} session={session} controller={controller} />}
      {session && <ShapesLayer store={store} session={session} controller={controller} />}
      <DraftLayer controller={controller} pendingLine={pending} layerRef={draftLayer} />
    </>
  );
}
