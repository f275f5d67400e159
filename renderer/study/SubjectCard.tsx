import { useState } from 'react';
import type { SubjectView } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { InlineText } from '../ui/InlineText';
import { useNotices } from '../ui/notices';
import { PairPicker } from './PairPicker';
import { TimepointForm, type TimepointFields } from './TimepointForm';
import { TimepointRow } from './TimepointRow';
import type { ImportProgress } from './use-import';

interface SubjectCardProps {
  subject: SubjectView;
  selectedTimepointId: number | null;
  progress: ImportProgress | null;
  onSelectTimepoint: (timepointId: number) => void;
  onDropFiles: (timepointId: number, files: File[]) => void;
  onPickFiles: (timepointId: number) => void;
  onOpenPair: (beforeId: number, afterId: number) => void;
  refresh: () => Promise<void>;
}

export function SubjectCard(props: SubjectCardProps) {
  const { subject, refresh } = props;
  const { api } = useAppApi();
  const { showError } = useNotices();
  const [adding, setAdding] = useState(subject.timepoints.length === 0);
  const imageCount = subject.timepoints.reduce((n, tp) => n + tp.images.length, 0);

  const rename = async (code: string) => {
    const result = await api.renameSubject({ subjectId: subject.id, code });
    if (!result.ok) {
      showError(`Subject ${subject.code} not renamed`, result.error);
      return false;
    }
    await refresh();
    return true;
  };

  const addTimepoint = async (fields: TimepointFields) => {
    const result = await api.addTimepoint({ subjectId: subject.id, ...fields });
    if (!result.ok) {
      showError(`Timepoint not added to ${subject.code}`, result.error);
      return false;
    }
    props.onSelectTimepoint(result.value.id);
    await refresh();
    return true;
  };

  return (
    <section className="subject-card" data-testid="subject" data-code={subject.code}>
      <header className="subject-header">
        <h2>
          <InlineText
            value={subject.code}
            onSave={rename}
            label={`subject ${subject.code}`}
            maxLength={64}
            testId="subject-code"
          />
        </h2>
        <span className="muted">
          {subject.timepoints.length} {subject.timepoints.length === 1 ? 'timepoint' : 'timepoints'} ·{' '}
          {imageCount} {imageCount === 1 ? 'image' : 'images'}
        </span>
        <span className="spacer" />
        <PairPicker subject={subject} onOpen={props.onOpenPair} />
      </header>
      {subject.timepoints.length > 0 && (
        <ol className="timepoints">
          {subject.timepoints.map((tp) => (
            <TimepointRow
              key={tp.id}
              timepoint={tp}
              selected={tp.id === props.selectedTimepointId}
              progress={props.progress}
              onSelect={() => props.onSelectTimepoint(tp.id)}
              onDropFiles={(files) => props.onDropFiles(tp.id, files)}
              onPickFiles={() => props.onPickFiles(tp.id)}
              refresh={refresh}
            />
          ))}
        </ol>
      )}
      <footer className="subject-footer">
        {adding ? (
          <TimepointForm
            initial={{ label: '', session: null, date: null }}
            submitLabel="Add timepoint"
            onSubmit={addTimepoint}
            testId="add-timepoint"
          />
        ) : (
          <button
            type="button"
            className="link-button"
            onClick={() => setAdding(true)}
            data-testid="add-timepoint-open"
          >
            + Add a timepoint
          </button>
        )}
      </footer>
    </section>
  );
}
