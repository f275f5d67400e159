import { useState } from 'react';
import type { SubjectView } from '../../shared/domain';
import { defaultPair } from './pair-defaults';

interface PairPickerProps {
  subject: SubjectView;
  onOpen: (beforeId: number, afterId: number) => void;
}

function ImageSelect(props: {
  subject: SubjectView;
  value: number | null;
  onChange: (id: number | null) => void;
  label: string;
  testId: string;
}) {
  const { subject, value, onChange, label, testId } = props;
  return (
    <label className="field field-inline">
      <span>{label}</span>
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        data-testid={testId}
      >
        <option value="">Choose an image</option>
        {subject.timepoints
          .filter((tp) => tp.images.length > 0)
          .map((tp) => (
            <optgroup key={tp.id} label={tp.label}>
              {tp.images.map((image) => (
                <option key={image.id} value={image.id}>
                  {tp.label} · {image.fileName}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
    </label>
  );
}

/** Choose the before and after images of one subject and open them side by side. */
export function PairPicker({ subject, onOpen }: PairPickerProps) {
  const defaults = defaultPair(subject);
  // A choice the user made wins; until then (and when their choice disappears) follow the defaults,
  // so a freshly imported second timepoint is picked up without touching the selects.
  const [chosen, setChosen] = useState<{ beforeId?: number | null; afterId?: number | null }>({});
  const allIds = new Set(subject.timepoints.flatMap((tp) => tp.images.map((image) => image.id)));
  const pick = (key: 'beforeId' | 'afterId') => {
    const value = chosen[key];
    return value !== undefined && (value === null || allIds.has(value)) ? value : defaults[key];
  };
  const beforeId = pick('beforeId');
  const afterId = pick('afterId');
  const ready = beforeId !== null && afterId !== null && beforeId !== afterId;
  if (allIds.size === 0) return null;

  return (
    <div className="pair-picker" data-testid="pair-picker">
      <ImageSelect
        subject={subject}
        value={beforeId}
        onChange={(id) => setChosen((c) => ({ ...c, beforeId: id }))}
        label="Before"
        testId="pair-before"
      />
      <ImageSelect
        subject={subject}
        value={afterId}
        onChange={(id) => setChosen((c) => ({ ...c, afterId: id }))}
        label="After"
        testId="pair-after"
      />
      <button
        type="button"
        className="button button-primary button-small"
        disabled={!ready}
        title={ready ? 'Show the two images side by side' : 'Choose two different images'}
        onClick={() => ready && onOpen(beforeId, afterId)}
        data-testid="open-pair"
      >
        Compare
      </button>
    </div>
  );
}
