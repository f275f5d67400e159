import type { ApiClient } from '../../shared/api';
import { polygonArea, polylineLength } from '../../shared/geometry/measure';
import { calibrationSourceLabel, formatUmPerPx } from '../study/format';
import type { Side } from '../viewer/pair-cameras';
import { changeClassOfSelected, copyRoi, deleteSelected, detectInRegion, setLock, sideName } from './actions';
import { AnnotationImport } from './AnnotationImport';
import { formatPx, formatUm2 } from './format';
import { MeasurementsTable } from './MeasurementsTable';
import type { ImageEditSession } from './session';
import type { SaveState } from './autosave';
import type { PairEditorStore } from './store';
import { shapeEvents, useSessionEvents } from './use-store';

const KIND_LABEL: Record<string, string> = {
  polygon: 'Polygon',
  rectangle: 'Rectangle',
  ellipse: 'Ellipse',
  freehand: 'Freehand outline',
  mask: 'Painted mask',
  point: 'Points',
  polyline: 'Line',
};

function SaveIndicator({ state, testId }: { state: SaveState; testId: string }) {
  const text =
    state.status === 'saved'
      ? 'Saved'
      : state.status === 'pending'
        ? 'Unsaved changes…'
        : state.status === 'saving'
          ? 'Saving…'
          : 'Not saved';
  return (
    <span
      className={`save-status save-${state.status}`}
      data-testid={testId}
      data-status={state.status}
      title={state.status === 'error' ? state.error.message : 'Annotations are saved after each change'}
      role={state.status === 'error' ? 'alert' : undefined}
    >
      {text}
      {state.status === 'error' && <span className="save-error-text">: {state.error.message}</span>}
    </span>
  );
}

function SelectionDetails({
  store,
  api,
  side,
  session,
}: {
  store: PairEditorStore;
  api: ApiClient;
  side: Side;
  session: ImageEditSession;
}) {
  const id = session.selectedId;
  const annotation = id === null ? undefined : session.doc.get(id);
  if (!annotation) return null;
  const g = annotation.geometry;
  const px =
    g.type === 'polygons'
      ? g.polygons.reduce((sum, p) => sum + polygonArea(p), 0)
      : g.type === 'mask'
        ? g.mask.count() * g.mask.scale ** 2
        : 0;
  const umPerPx = session.image.umPerPx;
  const role = side === 0 ? 'before' : 'after';
  return (
    <div className="editor-selection" data-testid={`selection-${role}`}>
      <div className="editor-selection-title">
        <strong>{KIND_LABEL[annotation.kind] ?? annotation.kind}</strong>
        {annotation.name && <span className="muted"> · {annotation.name}</span>}
      </div>
      {g.type === 'line' ? (
        <div>Length {polylineLength(g.points).toFixed(1)} px</div>
      ) : (
        <div data-testid="selection-area" data-px={px}>
          Area {umPerPx === null ? '' : `${formatUm2(px, umPerPx)} µm² · `}
          {formatPx(px)} px{g.type === 'polygons' ? ' (outline)' : ''}
        </div>
      )}
      <label className="editor-field">
        Class
        <select
          value={annotation.classId}
          onChange={(e) => changeClassOfSelected(store, side, Number(e.target.value))}
          disabled={session.locked}
          data-testid="selection-class"
        >
          {store.classes.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <div className="editor-buttons">
        {g.type === 'polygons' && (
          <button
            type="button"
            className="button button-small"
            disabled={session.locked || store.busy[side] !== null}
            onClick={() => void detectInRegion(store, api, side, annotation.id)}
            data-testid="detect-selected"
            title="Run the stain analysis inside this outline and add the result as an editable mask (D, then click inside)"
          >
            Detect stain inside
          </button>
        )}
        <button
          type="button"
          className="button button-small editor-delete"
          disabled={session.locked}
          onClick={() => {
            store.setActiveSide(side);
            deleteSelected(store);
          }}
          data-testid="delete-selected"
          title="Delete the selected shape (Delete)"
        >
          Delete
        </button>
      </div>
    </div>
  );
}

/** One image's column of the side panel: calibration, measurements, selection, lock, copy and import. */
export function ImagePanel({ store, api, side }: { store: PairEditorStore; api: ApiClient; side: Side }) {
  const slot = store.slots[side];
  const session = slot.status === 'ready' ? slot.session : null;
  useSessionEvents(session, shapeEvents);
  const role = side === 0 ? 'before' : 'after';
  const record = store.records[side];
  const active = store.activeSide === side;
  const busy = store.busy[side];
  return (
    <section
      className={`image-panel${active ? ' image-panel-active' : ''}`}
      data-testid={`editor-panel-${role}`}
      aria-label={`${sideName(side)} image annotations`}
      onPointerDown={() => store.setActiveSide(side)}
    >
      <header className="image-panel-header">
        <span className={`role-tag role-${role}`}>{sideName(side)}</span>
        <span className="image-panel-file" title={record.fileName}>
          {record.fileName}
        </span>
        {session && <SaveIndicator state={session.saveState} testId={`save-status-${role}`} />}
      </header>
      <div className="image-calibration" data-testid={`calibration-${role}`}>
        {record.umPerPx === null ? (
          <span className="editor-warning" data-testid={`calibration-value-${role}`}>
            Not calibrated
          </span>
        ) : (
          <span data-testid={`calibration-value-${role}`}>
            {formatUmPerPx(record.umPerPx)}{' '}
            <span className="muted">({calibrationSourceLabel(record.calibrationSource)})</span>
          </span>
        )}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            store.setActiveSide(side);
            store.setTool('calibrate');
          }}
          title="Drag a line along the scale bar, then type its length (C)"
        >
          Calibrate from scale bar
        </button>
      </div>
      {slot.status === 'loading' && <p className="muted">Loading annotations…</p>}
      {slot.status === 'failed' && (
        <p className="editor-error" role="alert">
          The annotations could not be loaded: {slot.error.message}
        </p>
      )}
      {session && (
        <AnnotationImport store={store} side={side} disabled={busy !== null || session.locked}>
          <MeasurementsTable store={store} session={session} testId={`measurements-${role}`} />
          <SelectionDetails store={store} api={api} side={side} session={session} />
          <div className="editor-buttons">
            <button
              type="button"
              className={`button button-small${session.locked ? ' editor-locked' : ''}`}
              aria-pressed={session.locked}
              disabled={busy !== null}
              onClick={() => void setLock(store, api, side, !session.locked)}
              data-testid={`lock-${role}`}
              title={
                session.locked
                  ? 'Allow changes to this image’s annotations again (recorded)'
                  : 'Protect this image’s annotations against accidental edits (recorded)'
              }
            >
              {session.locked ? 'Locked · Unlock' : 'Lock'}
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy !== null}
              onClick={() => void copyRoi(store, api, side)}
              data-testid={`copy-roi-${role}`}
              title={`Copy the region of interest to the ${sideName(side === 0 ? 1 : 0)} image as a starting point`}
            >
              {side === 0 ? 'Copy ROI to After →' : '← Copy ROI to Before'}
            </button>
          </div>
          {busy && (
            <p className="editor-busy" data-testid={`busy-${role}`}>
              {busy}
            </p>
          )}
        </AnnotationImport>
      )}
    </section>
  );
}
