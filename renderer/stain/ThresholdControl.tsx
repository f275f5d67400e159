/**
 * The threshold: fixed (a slider over the useful range plus a number field for exact values), Otsu or
 * triangle. Moving the slider or typing a value in an automatic mode switches back to a fixed value.
 */
import { useState } from 'react';
import {
  FIELD_STEP_OD,
  MAX_THRESHOLD_OD,
  roundThreshold,
  SLIDER_MAX_OD,
  SLIDER_STEP_OD,
  thresholdProblem,
} from './stain-settings';
import type { ThresholdMethod } from './preview-stats';

const METHODS: { id: ThresholdMethod; label: string; hint: string }[] = [
  { id: 'fixed', label: 'Fixed', hint: 'The same optical density for both images' },
  { id: 'otsu', label: 'Otsu', hint: 'Per image: the split that best separates two classes of stain amount' },
  { id: 'triangle', label: 'Triangle', hint: 'Per image: suited to a small stained share with a long tail' },
];

const formatOD = (od: number) => String(Number(od.toFixed(3)));

interface ThresholdControlProps {
  method: ThresholdMethod;
  thresholdOD: number;
  /** The automatic thresholds per image, already worded ("0.215 OD (exact)"). */
  automatic: { before: string; after: string } | null;
  onMethod: (method: ThresholdMethod) => void;
  /** A new fixed value, with the input event's timeStamp (for the latency probe). */
  onThreshold: (od: number, eventTimeStamp: number) => void;
}

export function ThresholdControl({
  method,
  thresholdOD,
  automatic,
  onMethod,
  onThreshold,
}: ThresholdControlProps) {
  // The typed text stays as typed ("0." while typing); it follows the value when the slider moves it.
  const [draft, setDraft] = useState({ text: formatOD(thresholdOD), forValue: thresholdOD });
  if (draft.forValue !== thresholdOD && Number(draft.text) !== thresholdOD) {
    setDraft({ text: formatOD(thresholdOD), forValue: thresholdOD });
  }
  const problem = thresholdProblem(Number(draft.text.trim() === '' ? NaN : draft.text));

  return (
    <fieldset className="stain-group">
      <legend>Threshold</legend>
      <div className="segmented" role="radiogroup" aria-label="Threshold method">
        {METHODS.map((m) => (
          <button
            key={m.id}
            type="button"
            role="radio"
            aria-checked={method === m.id}
            className={method === m.id ? 'segment segment-on' : 'segment'}
            title={m.hint}
            onClick={() => onMethod(m.id)}
            data-testid={`threshold-method-${m.id}`}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div className={method === 'fixed' ? 'threshold-row' : 'threshold-row threshold-inactive'}>
        <input
          type="range"
          min={SLIDER_STEP_OD}
          max={SLIDER_MAX_OD}
          step={SLIDER_STEP_OD}
          value={Math.min(SLIDER_MAX_OD, thresholdOD)}
          aria-label="Threshold (optical density)"
          data-testid="threshold-slider"
          onChange={(e) => onThreshold(roundThreshold(Number(e.target.value)), e.nativeEvent.timeStamp)}
        />
        <input
          type="number"
          className="threshold-number"
          min={FIELD_STEP_OD}
          max={MAX_THRESHOLD_OD}
          step={FIELD_STEP_OD}
          value={draft.text}
          aria-label="Threshold value in OD"
          aria-invalid={problem !== null}
          data-testid="threshold-input"
          onChange={(e) => {
            const text = e.target.value;
            const value = Number(text);
            const valid = text.trim() !== '' && thresholdProblem(value) === null;
            setDraft({ text, forValue: valid ? value : thresholdOD });
            if (valid) onThreshold(value, e.nativeEvent.timeStamp);
          }}
        />
        <span className="muted">OD</span>
      </div>
      {problem && (
        <p className="field-problem" role="alert" data-testid="threshold-problem">
          {problem}
        </p>
      )}
      {automatic && (
        <p className="threshold-auto" data-testid="threshold-automatic">
          {METHODS.find((m) => m.id === method)?.label}: before {automatic.before}, after {automatic.after}.
          Moving the slider switches to a fixed threshold.
        </p>
      )}
    </fieldset>
  );
}
