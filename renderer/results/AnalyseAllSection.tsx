/** "Analyse all": every image measured with the study protocol, with progress, cancel and failures by name. */
import { useState } from 'react';
import type { StudyImageRef } from '../../shared/api-study-analysis';
import type { AnalysisRun } from './use-study-analysis';

const where = (image: StudyImageRef) => `${image.subject} · ${image.timepoint} · ${image.fileName}`;

interface Props {
  run: AnalysisRun;
  canRun: boolean;
  /** Why it cannot run (no protocol, no images, read-only). */
  reason: string | null;
  onStart: (redo: boolean) => void;
  onCancel: () => void;
  onDismiss: () => void;
}

export function AnalyseAllSection({ run, canRun, reason, onStart, onCancel, onDismiss }: Props) {
  const [redo, setRedo] = useState(false);
  const running = run.status === 'running';
  return (
    <section className="results-card" aria-labelledby="analyse-heading" data-testid="analyse-section">
      <div className="results-card-head">
        <h2 id="analyse-heading">Analyse all images</h2>
        <span className="spacer" />
        <label className="field field-inline small">
          <input
            type="checkbox"
            checked={redo}
            disabled={running}
            onChange={(e) => setRedo(e.target.checked)}
            data-testid="analyse-redo"
          />
          Measure again images that are already current
        </label>
        {running ? (
          <button
            type="button"
            className="button"
            disabled={run.cancelling}
            onClick={onCancel}
            data-testid="analyse-cancel"
          >
            {run.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            disabled={!canRun}
            title={reason ?? undefined}
            onClick={() => onStart(redo)}
            data-testid="analyse-all"
          >
            Analyse all
          </button>
        )}
      </div>
      <p className="muted small">
        Each image is measured with the study protocol inside its regions of interest minus exclusions, with
        its manual corrections, as the stain panel and <code>dermaquant study analyze</code> measure it.
        {reason && !running ? ` ${reason}` : ''}
      </p>
      {running && (
        <div className="analyse-progress" role="status" data-testid="analyse-progress">
          <progress max={Math.max(run.total, 1)} value={run.done} />
          <span>
            {run.done} of {run.total || '…'} images{run.current ? `: measuring ${where(run.current)}` : ''}
          </span>
        </div>
      )}
      {run.status === 'failed' && (
        <div className="analyse-report analyse-report-error" role="alert" data-testid="analyse-error">
          <p>{run.error.message}</p>
          <button type="button" className="link-button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
      {run.status === 'finished' && (
        <div
          className={`analyse-report${run.outcome.failed.length > 0 ? ' analyse-report-error' : ''}`}
          role="status"
          data-testid="analyse-report"
        >
          <p data-testid="analyse-summary">
            {run.outcome.cancelled ? 'Cancelled: ' : ''}
            {run.outcome.measured.length} measured, {run.outcome.skipped.length} already current
            {run.outcome.failed.length > 0 ? `, ${run.outcome.failed.length} failed` : ''} (of{' '}
            {run.outcome.total}).
          </p>
          {run.outcome.failed.length > 0 && (
            <ul data-testid="analyse-failures">
              {run.outcome.failed.map((f) => (
                <li key={f.imageId}>
                  <strong>{where(f)}</strong>: {f.error.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="link-button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
