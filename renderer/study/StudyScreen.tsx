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
  onOpenResults: () => void;
}

const IMAGE_ACCEPT = 'image/*,.tif,.tiff,.svs';

function findTimepoint(view: StudyView, timepointId: number) {
  for (const subject of view.subjects) {
    const timepoint = subject.timepoints.find((tp) => tp.id === timepointId);
    if (timepoint) return { subject, timepoint };
  }
  return null;
}

function describeTimepoint(view: StudyView, timepointId: number): string {
  const found = findTimepoint(view, timepointId);
  return found ? `${found.subject.code} · ${found.timepoint.label}` : 'the selected timepoint';
}

export function StudyScreen({ view, refresh, onOpenPair, onOpenResults }: StudyScreenProps) {
  const { on } = useAppApi();
  const { showError } = useNotices();
  const { importFiles, progress, report, dismissReport } = useImporter(refresh);
  const [selectedTimepointId, setSelectedTimepointId] = useState<number | null>(null);
  const [windowDrag, setWindowDrag] = useState(false);
  // dragenter/dragleave fire for every child crossed; a counter tells when the drag left the screen.
  const dragDepth = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const pickerTarget = useRef<number | null>(null);

  const allTimepoints = view.subjects.flatMap((s) => s.timepoints);
  // Files dropped on the window (not on a timepoint) go to the selected timepoint, or to the only one.
  const implicitTarget = selectedTimepointId ?? (allTimepoints.length === 1 ? allTimepoints[0]!.id : null);

  const importInto = (timepointId: number, files: File[]) => {
    dragDepth.current = 0;
    setWindowDrag(false);
    if (!findTimepoint(view, timepointId) || files.length === 0) return;
    setSelectedTimepointId(timepointId);
    void importFiles({ timepointId, description: describeTimepoint(view, timepointId) }, files);
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
    dragDepth.current = 0;
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
      onDragEnter={(e) => {
        if (!Array.from(e.dataTransfer.types).includes('Files')) return;
        dragDepth.current += 1;
        setWindowDrag(true);
      }}
      onDragOver={(e) => {
        if (Array.from(e.dataTransfer.types).includes('Files')) e.preventDefault();
      }}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setWindowDrag(false);
      }}
      onDrop={onWindowDrop}
    >
      <div className="study-toolbar">
        <h1>Subjects</h1>
        <AddSubjectForm onAdded={refresh} />
        <span className="spacer" />
        <button
          type="button"
          className="button"
          data-testid="open-results"
          title="The study's protocol, analysis of every image, results table, cohort statistics and exports"
          onClick={onOpenResults}
        >
          Results and statistics
        </button>
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
        <div className="window-drop-hint" role="status" data-testid="window-drop-hint">
          {implicitTarget === null
            ? 'Drop the files onto the timepoint they belong to.'
            : `Drop onto a timepoint to import there; anywhere else imports into ${describeTimepoint(view, implicitTarget)}.`}
        </div>
      )}
    </main>
  );
}
