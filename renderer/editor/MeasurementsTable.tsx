import { formatPercent, formatPx, formatUm2 } from './format';
import type { ImageEditSession } from './session';
import type { PairEditorStore } from './store';
import { useMeasurements } from './use-measurements';

/** Area of each class (µm² and px) and the stained fraction of the region of interest minus exclusions. */
export function MeasurementsTable({
  store,
  session,
  testId,
}: {
  store: PairEditorStore;
  session: ImageEditSession;
  testId: string;
}) {
  const m = useMeasurements(store, session);
  const umPerPx = session.image.umPerPx;
  const areaOf = new Map(m.classes.map((c) => [c.classId, c.px]));
  // The built-in classes always, user classes once they have an area.
  const rows = store.classes.filter((c) => c.role !== null || (areaOf.get(c.id) ?? 0) > 0);
  return (
    <div className="editor-measurements" data-testid={testId}>
      <table>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col" className="num">
              µm²
            </th>
            <th scope="col" className="num">
              px
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const px = areaOf.get(c.id) ?? 0;
            return (
              <tr
                key={c.id}
                data-testid="class-area"
                data-class-id={c.id}
                data-role={c.role ?? 'user'}
                data-px={px}
              >
                <th scope="row">
                  <span className="class-swatch" style={{ background: c.colour }} />
                  {c.name}
                </th>
                <td className="num" data-testid="area-um2">
                  {umPerPx === null ? '—' : formatUm2(px, umPerPx)}
                </td>
                <td className="num" data-testid="area-px">
                  {formatPx(px)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="editor-fraction" data-testid="stained-fraction" data-fraction={m.stainedFraction ?? ''}>
        <span>
          Marked stain (&ldquo;Stained collagen&rdquo; shapes and masks), share of{' '}
          {m.hasRoi ? 'the region of interest' : 'the whole image (no region of interest)'} minus exclusions
        </span>
        <strong>{formatPercent(m.stainedFraction)}</strong>
      </p>
      <p className="muted editor-small">
        {formatPx(m.stainedPx)} stained of {formatPx(m.analysedPx)} px analysed
        {umPerPx === null && ' · not calibrated: areas in px only'}
      </p>
      {m.unmeasuredClassIds.length > 0 && (
        <p className="editor-warning editor-small">
          More than 30 classes on this image: some are not measured.
        </p>
      )}
    </div>
  );
}
