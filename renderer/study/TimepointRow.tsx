import { useRef, useState, type DragEvent } from 'react';
import type { TimepointView } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { useNotices } from '../ui/notices';
import { ImageTile } from './ImageTile';
import { TimepointForm, type TimepointFields } from './TimepointForm';
import type { ImportProgress } from './use-import';

interface TimepointRowProps {
  timepoint: TimepointView;
  selected: boolean;
  progress: ImportProgress | null;
  onSelect: () => void;
  onDropFiles: (files: File[]) => void;
  onPickFiles: () => void;
  refresh: () => Promise<void>;
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

export function TimepointRow(props: TimepointRowProps) {
  const { timepoint, selected, progress, onSelect, onDropFiles, onPickFiles, refresh } = props;
  const { api } = useAppApi();
  const { showError } = useNotices();
  const [editing, setEditing] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const dragDepth = useRef(0); // enter/leave also fire for children: count to know when it really left

  const save = async (fields: TimepointFields) => {
    const result = await api.updateTimepoint({ timepointId: timepoint.id, ...fields });
    if (!result.ok) {
      showError(`Timepoint "${timepoint.label}" not changed`, result.error);
      return false;
    }
    setEditing(false);
    await refresh();
    return true;
  };

  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    // Handled here: the window-level drop target must not import the same files again.
    e.preventDefault();
    e.stopPropagation();
    dragDepth.current = 0;
    setDragOver(false);
    onDropFiles(Array.from(e.dataTransfer.files));
  };

  const importing = progress?.timepointId === timepoint.id;
  return (
    <li
      className={`timepoint${selected ? ' selected' : ''}${dragOver ? ' drag-over' : ''}`}
      data-testid="timepoint"
      data-timepoint-id={timepoint.id}
      data-label={timepoint.label}
      onClickCapture={onSelect}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        dragDepth.current += 1;
        setDragOver(true);
      }}
      onDragOver={(e) => {
        if (hasFiles(e)) e.preventDefault();
      }}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragOver(false);
      }}
      onDrop={onDrop}
    >
      <div className="timepoint-meta">
        {editing ? (
          <TimepointForm
            initial={timepoint}
            submitLabel="Save"
            onSubmit={save}
            onCancel={() => setEditing(false)}
            testId="edit-timepoint"
          />
        ) : (
          <>
            <span className="timepoint-label" data-testid="timepoint-label">
              {timepoint.label}
            </span>
            <span className="timepoint-detail muted">
              {timepoint.session === null ? 'No session number' : `Session ${timepoint.session}`}
              {' · '}
              {timepoint.date ?? 'No date'}
            </span>
            <button
              type="button"
              className="link-button"
              onClick={() => setEditing(true)}
              data-testid="edit-timepoint-open"
            >
              Edit
            </button>
            <span className="spacer" />
            <button
              type="button"
              className="button button-small"
              onClick={onPickFiles}
              disabled={importing}
              data-testid="import-button"
            >
              Import images…
            </button>
          </>
        )}
      </div>
      <div className="timepoint-images">
        {timepoint.images.map((image) => (
          <ImageTile key={image.id} image={image} onChanged={refresh} />
        ))}
        <div className={`drop-hint${importing ? ' busy' : ''}`} data-testid="drop-hint">
          {importing
            ? progress.done < progress.total
              ? `Uploading ${progress.done + 1} of ${progress.total}…`
              : 'Importing…'
            : timepoint.images.length === 0
              ? 'Drop images here, or use Import images…'
              : 'Drop more images here'}
        </div>
      </div>
    </li>
  );
}
