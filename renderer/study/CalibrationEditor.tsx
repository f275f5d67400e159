import { useState, type FormEvent } from 'react';
import type { ImageRecord } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { useNotices } from '../ui/notices';
import { calibrationSourceLabel, formatUmPerPx } from './format';

/** The image's calibration (µm per pixel and where it came from), with a way to type a value. */
export function CalibrationEditor({
  image,
  onChanged,
}: {
  image: ImageRecord;
  onChanged: () => Promise<void>;
}) {
  const { api } = useAppApi();
  const { showError } = useNotices();
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const value = draft === null ? NaN : Number(draft.replace(',', '.'));
  const valid = Number.isFinite(value) && value > 0 && value <= 1000;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    const result = await api.setCalibration({ imageId: image.id, umPerPx: value, source: 'typed' });
    setBusy(false);
    if (!result.ok) return showError(`Calibration of ${image.fileName} not saved`, result.error);
    setDraft(null);
    await onChanged();
  };

  if (draft !== null) {
    return (
      <form className="calibration-form" onSubmit={(e) => void save(e)}>
        <input
          autoFocus
          inputMode="decimal"
          value={draft}
          aria-label={`µm per pixel for ${image.fileName}`}
          aria-invalid={!valid}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setDraft(null)}
          data-testid="calibration-input"
        />
        <span className="unit">µm/px</span>
        <button type="submit" className="button button-small button-primary" disabled={!valid || busy}>
          Save
        </button>
        <button type="button" className="button button-small" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </form>
    );
  }

  return (
    <div className="calibration" data-testid="calibration">
      {image.umPerPx === null ? (
        <span className="calibration-missing" data-testid="calibration-value">
          Not calibrated
        </span>
      ) : (
        <span data-testid="calibration-value">
          {formatUmPerPx(image.umPerPx)}{' '}
          <span className="muted">{calibrationSourceLabel(image.calibrationSource)}</span>
        </span>
      )}
      <button
        type="button"
        className="link-button"
        onClick={() => setDraft(image.umPerPx === null ? '' : String(image.umPerPx))}
        data-testid="calibration-edit"
      >
        {image.umPerPx === null ? 'Set' : 'Edit'}
      </button>
    </div>
  );
}
