import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { AnnotationImportReport } from '../../shared/api-annotation-import';
import { useAppApi } from '../api/api-context';
import type { Side } from '../viewer/pair-cameras';
import { ANNOTATION_FILE_ACCEPT, importAnnotationFile } from './import-annotations';
import type { PairEditorStore } from './store';

const FORMAT_LABEL: Record<AnnotationImportReport['format'], string> = {
  geojson: 'QuPath GeoJSON',
  'imagej-roi': 'ImageJ ROI',
  'imagej-roiset': 'ImageJ RoiSet',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Shapes per class, in the order they were imported: "Region of interest ×2, Dermis ×1". */
function countsByClass(report: AnnotationImportReport): [string, number][] {
  const counts = new Map<string, number>();
  for (const shape of report.imported) counts.set(shape.className, (counts.get(shape.className) ?? 0) + 1);
  return [...counts];
}

function ImportReportView({
  report,
  role,
  onClose,
}: {
  report: AnnotationImportReport;
  role: string;
  onClose: () => void;
}) {
  const adjusted = report.imported.filter((s) => s.adjusted).length;
  return (
    <div className="annotation-import-report" data-testid={`annotation-import-report-${role}`} role="status">
      <header>
        <span className="annotation-import-title">
          <strong>Imported {plural(report.imported.length, 'shape')}</strong> from {report.fileName}{' '}
          <span className="muted">({FORMAT_LABEL[report.format]})</span>
        </span>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close the import report">
          ×
        </button>
      </header>
      <ul>
        {countsByClass(report).map(([name, n]) => (
          <li key={name}>
            {name} ×{n}
          </li>
        ))}
      </ul>
      {adjusted > 0 && (
        <p>{plural(adjusted, 'shape')} clipped to the image or split where the outline crossed itself.</p>
      )}
      {report.createdClasses.length > 0 && (
        <p>
          New {report.createdClasses.length === 1 ? 'class' : 'classes'}:{' '}
          {report.createdClasses.map((c, i) => (
            <span key={c.id}>
              {i > 0 && ', '}
              <span className="class-swatch" style={{ background: c.colour }} /> {c.name}
            </span>
          ))}{' '}
          <span className="muted">(they do not change the measurements; re-class shapes as needed)</span>
        </p>
      )}
      {report.skipped.length > 0 && (
        <details open={report.skipped.length <= 3}>
          <summary>Skipped {plural(report.skipped.length, 'shape')}</summary>
          <ul>
            {report.skipped.map((s, i) => (
              <li key={i}>
                {s.source}
                {s.name ? ` (${s.name})` : ''}: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {report.warnings.map((w) => (
        <p key={w} className="editor-warning" role="alert">
          {w}
        </p>
      ))}
      <p className="muted">Undo (Ctrl+Z) removes the whole import.</p>
    </div>
  );
}

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * "Import annotations…" for one image: a file picker, a drop target around `children` (the image's
 * panel), and the report of the last import.
 */
export function AnnotationImport({
  store,
  side,
  disabled,
  children,
}: {
  store: PairEditorStore;
  side: Side;
  disabled: boolean;
  children: ReactNode;
}) {
  const { api, upload } = useAppApi();
  const input = useRef<HTMLInputElement>(null);
  const [dragOver, setDragOver] = useState(false);
  const role = side === 0 ? 'before' : 'after';
  const report = store.importReports[side];
  const start = (file: File | undefined) => {
    if (file) void importAnnotationFile(store, api, upload, side, file);
  };
  return (
    <div
      className={`annotation-drop${dragOver ? ' drag-over' : ''}`}
      data-testid={`annotation-drop-${role}`}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        // Handled here: the window's drop guard must not act on it too.
        e.preventDefault();
        e.stopPropagation();
        setDragOver(false);
        if (!disabled) start(e.dataTransfer.files[0]);
      }}
    >
      {children}
      <button
        type="button"
        className="button button-small"
        disabled={disabled}
        onClick={() => input.current?.click()}
        data-testid={`import-annotations-${role}`}
        title="Add regions drawn in QuPath (GeoJSON export) or ImageJ/Fiji (.roi, RoiSet .zip) to this image; or drop the file here"
      >
        Import annotations…
      </button>
      <input
        ref={input}
        type="file"
        accept={ANNOTATION_FILE_ACCEPT}
        hidden
        data-testid={`import-annotations-file-${role}`}
        onChange={(e) => {
          start(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      {report && (
        <ImportReportView report={report} role={role} onClose={() => store.setImportReport(side, null)} />
      )}
    </div>
  );
}
