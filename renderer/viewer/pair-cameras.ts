import {
  clampScale,
  fitCamera,
  fitScale,
  resizeViewport,
  syncedCamera,
  zoomTo,
  type Camera,
  type Point,
  type Size,
} from './camera';

/** Index of a pane in a pair: 0 = before, 1 = after. */
export type Side = 0 | 1;

export interface PairCameraState {
  images: [Size, Size];
  viewports: [Size | null, Size | null];
  cameras: [Camera | null, Camera | null];
  sync: boolean;
  /** The pane the user touched last: the one the other follows when sync is switched back on. */
  lead: Side;
}

export type PairCameraAction =
  | { type: 'viewport'; side: Side; size: Size }
  | { type: 'camera'; side: Side; camera: Camera }
  | { type: 'zoom-at'; side: Side; anchor: Point; factor: number }
  | { type: 'zoom-centre'; factor: number }
  | { type: 'fit' }
  | { type: 'one-to-one' }
  | { type: 'sync'; on: boolean };

const other = (side: Side): Side => (side === 0 ? 1 : 0);

export function initialPairCameras(images: [Size, Size]): PairCameraState {
  return { images, viewports: [null, null], cameras: [null, null], sync: true, lead: 0 };
}

/** Replace one camera and, when in sync, bring the other one along. */
function withCamera(state: PairCameraState, side: Side, camera: Camera): PairCameraState {
  const cameras: [Camera | null, Camera | null] = [...state.cameras];
  cameras[side] = camera;
  const o = other(side);
  const sourceViewport = state.viewports[side];
  const targetViewport = state.viewports[o];
  if (state.sync && sourceViewport && targetViewport) {
    cameras[o] = syncedCamera(camera, state.images[side], sourceViewport, state.images[o], targetViewport);
  }
  return { ...state, cameras, lead: side };
}

/** Fit both; in sync they share the smaller fitted scale so the same image-pixel scale holds. */
function fitBoth(state: PairCameraState): PairCameraState {
  const [v0, v1] = state.viewports;
  if (!v0 || !v1) return state;
  const s0 = fitScale(state.images[0], v0);
  const s1 = fitScale(state.images[1], v1);
  const shared = Math.min(s0, s1);
  return {
    ...state,
    cameras: [
      fitCamera(state.images[0], v0, state.sync ? shared : s0),
      fitCamera(state.images[1], v1, state.sync ? shared : s1),
    ],
  };
}

function zoomSide(state: PairCameraState, side: Side, anchor: Point | null, scaleOf: (c: Camera) => number) {
  const camera = state.cameras[side];
  const viewport = state.viewports[side];
  if (!camera || !viewport) return state;
  const at = anchor ?? { x: viewport.width / 2, y: viewport.height / 2 };
  const scale = clampScale(scaleOf(camera), state.images[side], viewport);
  return withCamera(state, side, zoomTo(camera, at, scale));
}

/** Apply a centred zoom to the lead pane (and let sync carry it) or to each pane on its own. */
function zoomBoth(state: PairCameraState, scaleOf: (c: Camera) => number): PairCameraState {
  if (state.sync) return zoomSide(state, state.lead, null, scaleOf);
  const lead = state.lead;
  const next = zoomSide(zoomSide(state, 0, null, scaleOf), 1, null, scaleOf);
  return { ...next, lead };
}

export function pairCameraReducer(state: PairCameraState, action: PairCameraAction): PairCameraState {
  switch (action.type) {
    case 'viewport': {
      const previous = state.viewports[action.side];
      if (previous && previous.width === action.size.width && previous.height === action.size.height)
        return state;
      const viewports: [Size | null, Size | null] = [...state.viewports];
      viewports[action.side] = action.size;
      const cameras: [Camera | null, Camera | null] = [...state.cameras];
      const camera = cameras[action.side];
      if (camera && previous) cameras[action.side] = resizeViewport(camera, previous, action.size);
      const next = { ...state, viewports, cameras };
      // The first time both panes have a size, show both images whole.
      return cameras[0] === null || cameras[1] === null ? fitBoth(next) : next;
    }
    case 'camera':
      return withCamera(state, action.side, action.camera);
    case 'zoom-at':
      return zoomSide(state, action.side, action.anchor, (c) => c.scale * action.factor);
    case 'zoom-centre':
      return zoomBoth(state, (c) => c.scale * action.factor);
    case 'fit':
      return fitBoth(state);
    case 'one-to-one':
      return zoomBoth(state, () => 1);
    case 'sync': {
      const next = { ...state, sync: action.on };
      const lead = state.cameras[state.lead];
      return action.on && lead ? withCamera(next, state.lead, lead) : next;
    }
  }
}
