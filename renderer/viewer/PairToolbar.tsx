import type { ReactNode } from 'react';

interface PairToolbarProps {
  subjectCode: string | null;
  sync: boolean;
  onBack: () => void;
  onFit: () => void;
  onOneToOne: () => void;
  /** +1 zooms in, -1 out. */
  onZoom: (direction: 1 | -1) => void;
  onSync: (on: boolean) => void;
  children?: ReactNode;
}

export function PairToolbar(props: PairToolbarProps) {
  const { subjectCode, sync, onBack, onFit, onOneToOne, onZoom, onSync, children } = props;
  return (
    <div className="pair-toolbar" role="toolbar" aria-label="View">
      <button
        type="button"
        className="button button-small"
        onClick={onBack}
        title="Back to the study"
        data-testid="back"
      >
        ← Study
      </button>
      {subjectCode && (
        <span className="pair-subject">
          Subject <strong>{subjectCode}</strong>
        </span>
      )}
      <span className="toolbar-divider" />
      <div className="button-group">
        <button
          type="button"
          className="button button-small"
          onClick={onFit}
          title="Show both images whole (F)"
          data-testid="fit"
        >
          Fit
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={onOneToOne}
          title="One screen pixel per image pixel (1)"
          data-testid="one-to-one"
        >
          1:1
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => onZoom(-1)}
          title="Zoom out (−)"
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => onZoom(1)}
          title="Zoom in (+)"
          aria-label="Zoom in"
        >
          +
        </button>
      </div>
      <label className="toggle" title="Keep zoom and position the same in both images">
        <input
          type="checkbox"
          checked={sync}
          onChange={(e) => onSync(e.target.checked)}
          data-testid="sync-toggle"
        />
        <span>Sync zoom and pan</span>
      </label>
      {children}
      <span className="spacer" />
      <span className="muted hint">Wheel: zoom · Drag: pan</span>
    </div>
  );
}
