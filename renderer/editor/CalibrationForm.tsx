import { useEffect, useState } from 'react';
import type { ApiClient } from '../../shared/api';
import type { StudyView } from '../../shared/domain';
import { formatUmPerPx } from '../study/format';
import { applyCalibration, sideName } from './actions';
import {
  CALIBRATION_SCOPES,
  imagesInScope,
  scopeCountText,
  type CalibrationScope,
} from './calibration-scope';
import type { PairEditorStore } from './store';

/** The study's images as the server has them now (the form lists what each scope will change). */
function useStudyView(api: ApiClient): { view: StudyView | null; problem: string | null } {
  const [state, setState] = useState<{ view: StudyView | null; problem: string | null }>({
    view: null,
    problem: null,
  });
  useEffect(() => {
    let current = true;
    void api.getStudy({}).then((result) => {
      if (!current) return;
      setState(
        result.ok
          ? { view: result.value, problem: null }
          : { view: null, problem: `The study’s images could not be listed: ${result.error.message}` },
      );
    });
    return () => {
      current = false;
    };
  }, [api]);
  return state;
}

/** After a line is drawn along a scale bar: its length in µm, and which images share the calibration. */
export function CalibrationForm({ store, api }: { store: PairEditorStore; api: ApiClient }) {
  const pending = store.calibration;
  const [length, setLength] = useState('');
  const [scope, setScope] = useState<CalibrationScope>('image');
  const [working, setWorking] = useState(false);
  const { view, problem } = useStudyView(api);
  if (!pending) return null;
  const target = store.records[pending.side];
  const paired = store.records[pending.side === 0 ? 1 : 0];
  const covered = (s: CalibrationScope) => imagesInScope(s, target, paired, view);
  const objectiveBasis =
    target.umPerPx === null
      ? `not calibrated, ${target.width} × ${target.height} px ${target.format.toUpperCase()}`
      : `${formatUmPerPx(target.umPerPx)}, or not calibrated and ${target.width} × ${target.height} px ${target.format.toUpperCase()}`;
  const label: Record<CalibrationScope, string> = {
    image: `This ${sideName(pending.side)} image only`,
    pair: `Also the paired ${sideName(pending.side === 0 ? 1 : 0)} image`,
    objective: `Every image of the same objective (${objectiveBasis})`,
    study: 'Every image in the study',
  };
  const wide = (s: CalibrationScope) => s === 'objective' || s === 'study';
  return (
    <form
      className="scale-bar-form"
      role="dialog"
      aria-label="Calibrate from the scale bar"
      data-testid="calibration-form"
      onSubmit={(e) => {
        e.preventDefault();
        setWorking(true);
        void applyCalibration(store, api, length, covered(scope).alsoImageIds).finally(() =>
          setWorking(false),
        );
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          store.setCalibration(null);
        }
      }}
    >
      <strong>Calibrate the {sideName(pending.side)} image from its scale bar</strong>
      <div>
        The line is <strong>{pending.lengthPx.toFixed(1)} px</strong> long.
      </div>
      <label className="editor-field">
        Its length
        <input
          type="text"
          inputMode="decimal"
          autoFocus
          value={length}
          onChange={(e) => setLength(e.target.value)}
          placeholder="e.g. 100"
          aria-label="Length of the scale bar in µm"
          data-testid="calibration-length"
          size={8}
        />
        µm
      </label>
      <fieldset className="calibration-scope" data-testid="calibration-scope">
        <legend>Apply to</legend>
        {CALIBRATION_SCOPES.map((s) => (
          <label key={s} className="editor-check">
            <input
              type="radio"
              name="calibration-scope"
              value={s}
              checked={scope === s}
              disabled={wide(s) && view === null}
              onChange={() => setScope(s)}
              data-testid={`calibration-scope-${s}`}
            />
            <span>
              {label[s]}{' '}
              <span className="muted" data-testid={`calibration-scope-count-${s}`}>
                ({wide(s) && view === null ? 'listing the study…' : scopeCountText(covered(s))})
              </span>
            </span>
          </label>
        ))}
        {problem && (
          <span className="editor-error" role="alert">
            {problem}
          </span>
        )}
      </fieldset>
      <div className="editor-buttons">
        <button
          type="submit"
          className="button button-small button-primary"
          disabled={working}
          data-testid="calibration-apply"
        >
          Calibrate
        </button>
        <button type="button" className="button button-small" onClick={() => store.setCalibration(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
