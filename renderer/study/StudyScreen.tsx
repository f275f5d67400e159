import { useEffect, useEffectEvent, useRef, useState, type DragEvent } from 'react';
import type { StudyView } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { useNotices } from '../ui/notices';
import { AddSubjectForm } from './AddSubjectForm';
import { ImportReport } from './ImportReport';
import { SubjectCard } from './SubjectCard';
import { useImporter } from './use-import';

interface StudyScreenProps {
  view: StudyView;
  refresh: () => Promise<void>;
  onOpenPair: (beforeId: number, afterId: number) => void;
}

const IMAGE_ACCEPT = 'image/*,.tif,.tiff,.svs';

function findTimepoint(view: StudyView, timepointId: number) {
  for (const subject of view.subjects) {
    const timepoint = subject.timepoints.find((tp) => tp.id === timepointId);
    if (timepoint) return { subject, timepoint };
  }
  return null;
}

export function StudyScreen({ view, refresh, onOpenPair }: StudyScreenProps) {
  const { on } = useAppApi();
  const { showError } = useNotices();
  const { importFiles, progress, report, dismissReport } = useImporter(refresh);
  const [selectedTimepointId, setSelectedTimepointId] = useState<number | null>(null);
  const [windowDrag, setWindowDrag] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const pickerTarget = useRef<number | null>(null);

  const allTimepoints = view.subjects.flatMap((s) => s.timepoints);
  // Files dropped on the window (not on a timepoint) go to the selected timepoint, or to the only one.
  const implicitTarget = selectedTimepointId ?? (allTimepoints.length === 1 ? allTimepoints[0]!.id : null);

  const importInto = (timepointId: number, files: File[]) => {
    const found = findTimepoint(view, timepointId);
    if (!found || files.length === 0) return;
    setSelectedTimepointId(timepointId);
    void importFiles({ timepointId, description: `${found.subject.code} · ${found.timepoint.label}` }, files);
  };

  const noTarget = () =>
    showError('Which timepoint?', {
      code: 'INVALID_INPUT',
      message:
        allTimepoints.length === 0
          ? 'Add a subject and a timepoint first, then import its images.'
          : 'Click a timepoint first (or drop the files onto it) so DermaQuant knows where the images belong.',
    });

  const openPicker = (timepointId: number | null) => {
    if (timepointId === null) return noTarget();
    pickerTarget.current = timepointId;
    fileInput.current?.click();
  };

  // The Electron menu's "Import images" opens the picker for the selected timepoint.
  const onMenuImport = useEffectEvent(() => openPicker(implicitTarget));
  useEffect(
    () =>
      on('menu-command', ({ command }) => {
        if (command === 'import-images') onMenuImport();
      }),
    [on],
  );

  const onWindowDrop = (e: DragEvent) => {
    e.preventDefault();
    setWindowDrag(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length === 0) return;
    if (implicitTarget === null) return noTarget();
    importInto(implicitTarget, files);
  };

  return (
    <main
      className={`study-screen${windowDrag ? ' window-drag' : ''}`}
      data-testid="study-screen"
      onDragOver={(e) => {
        if (!Array.from(e.dataTransfer.types).includes('Files')) return;
        e.preventDefault();
        setWindowDrag(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setWindowDrag(false)}
      onDrop={onWindowDrop}
    >
      <div className="study-toolbar">
        <h1>Subjects</h1>
        <AddSubjectForm onAdded={refresh} />
      </div>
      {report && <ImportReport report={report} onDismiss={dismissReport} />}
      {view.subjects.length === 0 ? (
        <div className="empty-state" data-testid="no-subjects">
          <p>No subjects yet.</p>
          <p className="muted">
            Add the first subject with its pseudonymous code, then its timepoints (e.g. Baseline, Week 12),
            then import the biopsy images of each timepoint.
          </p>
        </div>
      ) : (
        view.subjects.map((subject) => (
          <SubjectCard
            key={subject.id}
            subject={subject}
            selectedTimepointId={selectedTimepointId}
            progress={progress}
            onSelectTimepoint={setSelectedTimepointId}
            onDropFiles={importInto}
            onPickFiles={(timepointId) => openPicker(timepointId)}
            onOpenPair={onOpenPair}
            refresh={refresh}
          />
        ))
      )}
      <input
        ref={fileInput}
        type="file"
        multiple
        accept={IMAGE_ACCEPT}
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // so choosing the same file again still fires a change
          if (pickerTarget.current !== null) importInto(pickerTarget.current, files);
        }}
      />
      {windowDrag && (
        <div className="window-drop-hint" aria-hidden="true">
          {implicitTarget === null
            ? 'Drop the files onto a timepoint'
            : 'Drop to import into the selected timepoint'}
        </div>
      )}
    </main>
  );
}
