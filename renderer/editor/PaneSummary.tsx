import type { AnnotationClass } from '../../shared/annotations/types';
import type { Side } from '../viewer/pair-cameras';
import { formatPercent, formatPx, formatUm2 } from './format';
import type { PairEditorStore } from './store';
import { shapeEvents, useSessionEvents, useStoreVersion } from './use-store';
import { useMeasurements } from './use-measurements';
import type { ImageEditSession } from './session';

/** The built-in classes by role, short enough for both panes' strips (the full name is in the tooltip). */
const SHORT_NAME: Record<string, string> = {
  roi: 'ROI',
  exclude: 'Excluded',
  stained: 'Stained',
  unstained: 'Not stained',
};

function Summary({
  store,
  session,
  role,
}: {
  store: PairEditorStore;
  session: ImageEditSession;
  role: string;
}) {
  useSessionEvents(session, shapeEvents);
  const m = useMeasurements(store, session);
  const umPerPx = session.image.umPerPx;
  const areaOf = new Map(m.classes.map((c) => [c.classId, c.px]));
  // Room is short under an image: the built-in classes on the first line (exclusions and "Not stained"
  // marks once there are any), the user's own classes after the stained fraction on the second.
  const builtIn = store.classes.filter(
    (c) =>
      c.role === 'roi' ||
      c.role === 'stained' ||
      ((c.role === 'exclude' || c.role === 'unstained') && (areaOf.get(c.id) ?? 0) > 0),
  );
  const own = store.classes.filter((c) => c.role === null && (areaOf.get(c.id) ?? 0) > 0);
  const area = (px: number) => (umPerPx === null ? formatPx(px) : formatUm2(px, umPerPx));
  const save = session.saveState;
  const item = (c: AnnotationClass) => (
    <span
      key={c.id}
      className="pane-summary-item"
      title={`${c.name}: ${area(areaOf.get(c.id) ?? 0)} ${umPerPx === null ? 'px' : 'µm²'} (${formatPx(areaOf.get(c.id) ?? 0)} px)`}
    >
      <span className="class-swatch" style={{ background: c.colour }} />
      {SHORT_NAME[c.role ?? ''] ?? c.name} <strong>{area(areaOf.get(c.id) ?? 0)}</strong>
    </span>
  );
  return (
    <div className="pane-summary" data-testid={`summary-${role}`}>
      <div className="pane-summary-row">
        <span className="muted">{umPerPx === null ? 'px' : 'µm²'}</span>
        {builtIn.map(item)}
      </div>
      <div className="pane-summary-row">
        <span
          className="pane-summary-item"
          title={
            m.hasRoi
              ? 'Share of the region of interest (minus exclusions) covered by "Stained collagen" marks (brush, wand, detect in region); the automatic stain analysis is in the stain panel'
              : 'No region of interest: share of the whole image (minus exclusions) covered by "Stained collagen" marks; the automatic stain analysis is in the stain panel'
          }
        >
          Marked stain, share of {m.hasRoi ? 'the ROI' : 'the whole image'}{' '}
          <strong>{formatPercent(m.stainedFraction)}</strong>
        </span>
        {own.map(item)}
        <span className="spacer" />
        {session.locked && <span className="pane-summary-lock">Locked</span>}
        <span
          className={`pane-summary-save save-${save.status}`}
          title={save.status === 'error' ? save.error.message : undefined}
        >
          {save.status === 'saved' ? 'Saved' : save.status === 'error' ? 'Not saved' : 'Saving…'}
        </span>
      </div>
    </div>
  );
}

/** Live numbers under each image: class areas, the stained fraction, lock and save state. */
export function PaneSummary({ store, side }: { store: PairEditorStore; side: Side }) {
  useStoreVersion(store);
  const session = store.session(side);
  const role = side === 0 ? 'before' : 'after';
  if (!session)
    return (
      <div className="pane-summary muted">
        <div className="pane-summary-row">Loading annotations…</div>
      </div>
    );
  return <Summary store={store} session={session} role={role} />;
}
