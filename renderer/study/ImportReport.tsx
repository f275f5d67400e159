import type { ImportReportData } from './use-import';

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/** What happened to each file of the last import, with the server's message for each failure. */
export function ImportReport({ report, onDismiss }: { report: ImportReportData; onDismiss: () => void }) {
  const { imported, duplicates, failed, target } = report;
  const tone = failed.length > 0 ? 'report-warning' : 'report-ok';
  return (
    <section className={`import-report ${tone}`} data-testid="import-report" aria-live="polite">
      <header>
        <h2>Import into {target.description}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the import report"
          onClick={onDismiss}
        >
          ×
        </button>
      </header>
      <p className="report-summary" data-testid="import-summary">
        {plural(imported.length, 'image imported', 'images imported')}
        {duplicates.length > 0 && `, ${plural(duplicates.length, 'duplicate', 'duplicates')} recognised`}
        {failed.length > 0 && `, ${plural(failed.length, 'file', 'files')} not imported`}.
      </p>
      <ul className="report-list">
        {imported.map((image) => (
          <li key={`ok-${image.id}`} className="report-ok-item">
            <span className="report-file">{image.fileName}</span>
            <span className="muted">imported</span>
          </li>
        ))}
        {duplicates.map((dup) => (
          <li key={`dup-${dup.fileName}-${dup.existing.id}`} data-testid="import-duplicate">
            <span className="report-file">{dup.fileName}</span>
            <span className="muted">
              already in the study as {dup.existing.fileName} (same content): not copied again
            </span>
          </li>
        ))}
        {failed.map((problem, index) => (
          <li key={`fail-${index}`} className="report-failed-item" data-testid="import-failure">
            <span className="report-file">{problem.fileName}</span>
            <span className="report-message" data-testid="import-failure-message">
              {problem.message}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
