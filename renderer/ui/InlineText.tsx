import { useState, type KeyboardEvent } from 'react';

interface InlineTextProps {
  value: string;
  /** Saves the new value; resolves true when it was accepted (the editor then closes). */
  onSave: (value: string) => Promise<boolean>;
  label: string;
  maxLength?: number;
  testId?: string;
  className?: string;
}

/** A value shown as text with a Rename button; Enter saves, Escape cancels. */
export function InlineText({ value, onSave, label, maxLength, testId, className }: InlineTextProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    if (draft === null) return;
    if (draft.trim() === value) return setDraft(null);
    setBusy(true);
    const accepted = await onSave(draft.trim());
    setBusy(false);
    if (accepted) setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') void save();
    if (e.key === 'Escape') setDraft(null);
  };

  if (draft === null) {
    return (
      <span className={`inline-text ${className ?? ''}`}>
        <span data-testid={testId}>{value}</span>
        <button
          type="button"
          className="icon-button"
          title={`Rename ${label}`}
          aria-label={`Rename ${label}`}
          onClick={() => setDraft(value)}
          data-testid={testId && `${testId}-rename`}
        >
          ✎
        </button>
      </span>
    );
  }
  return (
    <span className={`inline-text editing ${className ?? ''}`}>
      <input
        autoFocus
        value={draft}
        maxLength={maxLength}
        aria-label={label}
        disabled={busy}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid={testId && `${testId}-input`}
      />
      <button
        type="button"
        className="button button-small button-primary"
        disabled={busy}
        onClick={() => void save()}
      >
        Save
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => setDraft(null)}>
        Cancel
      </button>
    </span>
  );
}
