import { useState } from 'react';
import type { ApiClient } from '../../shared/api';
import { applyCalibration, sideName } from './actions';
import type { PairEditorStore } from './store';

/** After a line is drawn along a scale bar: its length in µm, and whether the other image shares it. */
export function CalibrationForm({ store, api }: { store: PairEditorStore; api: ApiClient }) {
  const pending = store.calibration;
  const [length, setLength] = useState('');
  const [alsoOther, setAlsoOther] = useState(false);
  const [working, setWorking] = useState(false);
  if (!pending) return null;
  const otherName = sideName(pending.side === 0 ? 1 : 0);
  return (
    <form
      className="scale-bar-form"
      role="dialog"
      aria-label="Calibrate from the scale bar"
      data-testid="calibration-form"
      onSubmit={(e) => {
        e.preventDefault();
        setWorking(true);
        void applyCalibration(store, api, length, alsoOther).finally(() => setWorking(false));
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
      <label className="editor-check">
        <input
          type="checkbox"
          checked={alsoOther}
          onChange={(e) => setAlsoOther(e.target.checked)}
          data-testid="calibration-also-other"
        />
        <span>Also calibrate the {otherName} image (same objective)</span>
      </label>
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
