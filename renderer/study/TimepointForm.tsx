import { useState, type FormEvent } from 'react';

export interface TimepointFields {
  label: string;
  session: number | null;
  date: string | null;
}

interface TimepointFormProps {
  initial: TimepointFields;
  submitLabel: string;
  /** Resolves true when saved (the form then resets or closes). */
  onSubmit: (fields: TimepointFields) => Promise<boolean>;
  onCancel?: () => void;
  testId: string;
}

/** Label, session number and date of a timepoint: used to add one and to edit one. */
export function TimepointForm({ initial, submitLabel, onSubmit, onCancel, testId }: TimepointFormProps) {
  const [label, setLabel] = useState(initial.label);
  const [session, setSession] = useState(initial.session === null ? '' : String(initial.session));
  const [date, setDate] = useState(initial.date ?? '');
  const [busy, setBusy] = useState(false);

  const sessionNumber = session.trim() === '' ? null : Number(session);
  const sessionValid = sessionNumber === null || (Number.isInteger(sessionNumber) && sessionNumber >= 0);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!sessionValid || label.trim() === '') return;
    setBusy(true);
    const saved = await onSubmit({
      label: label.trim(),
      session: sessionNumber,
      date: date === '' ? null : date,
    });
    setBusy(false);
    if (saved && !onCancel) {
      setLabel('');
      setSession('');
      setDate('');
    }
  };

  return (
    <form
      className="timepoint-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && onCancel?.()}
      data-testid={testId}
    >
      <label className="field field-inline">
        <span>Label</span>
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          placeholder="e.g. Baseline"
          maxLength={100}
          required
          data-testid={`${testId}-label`}
        />
      </label>
      <label className="field field-inline field-narrow">
        <span>Session</span>
        <input
          type="number"
          min={0}
          max={1000}
          step={1}
          value={session}
          onChange={(e) => setSession(e.target.value)}
          aria-invalid={!sessionValid}
          data-testid={`${testId}-session`}
        />
      </label>
      <label className="field field-inline">
        <span>Date</span>
        <input
          type="date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          data-testid={`${testId}-date`}
        />
      </label>
      <button
        type="submit"
        className="button button-small button-primary"
        disabled={busy || label.trim() === '' || !sessionValid}
        data-testid={`${testId}-submit`}
      >
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}
