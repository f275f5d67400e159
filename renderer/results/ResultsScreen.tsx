/**
 * The study's Results screen (route #/results): the protocol, "Analyse all", the results table, the
 * cohort statistics with the paired chart, the series across three or more timepoints, and the exports: in the app what the command line's
 * `study protocol / analyze / stats / export` do, over the same services.
 */
import { useState } from 'react';
import type { StudyView } from '../../shared/domain';
import { defaultTimepoints } from '../../shared/reports/report-timepoints';
import { AnalyseAllSection } from './AnalyseAllSection';
import { CohortSection, type CohortChoice } from './CohortSection';
import { ExportBar } from './ExportBar';
import { ProtocolSection } from './ProtocolSection';
import { ResultsTable } from './ResultsTable';
import { SeriesSection } from './SeriesSection';
import { useStudyAnalysis } from './use-study-analysis';
import { useStudyResults } from './use-study-results';
import './results.css';

export function ResultsScreen({ view, onBack }: { view: StudyView; onBack: () => void }) {
  const { state } = useStudyResults();
  const analysis = useStudyAnalysis();
  const [picked, setPicked] = useState<CohortChoice | null>(null);

  if (state.status !== 'ready') {
    return (
      <main className="results-screen" data-testid="results-screen">
        <button type="button" className="link-button" onClick={onBack}>
          ← Back to the study
        </button>
        {state.status === 'loading' ? (
          <p className="muted">Reading the results…</p>
        ) : (
          <p className="screen-error" role="alert">
            {state.error.message}
          </p>
        )}
      </main>
    );
  }
  const { results } = state;
  const defaults = defaultTimepoints(results.images);
  // The user's choice while its labels still exist; else the earliest and latest session.
  const choice: CohortChoice | null = picked ?? (defaults ? { ...defaults, measure: 'fraction' } : null);
  const reason = view.study.readOnly
    ? 'The study folder is read-only.'
    : !results.protocol.protocol
      ? 'Set the study protocol first.'
      : results.images.length === 0
        ? 'The study has no images yet.'
        : null;
  const measured = results.images.filter((r) => r.measurement !== null).length;

  return (
    <main className="results-screen" data-testid="results-screen">
      <div className="results-toolbar">
        <button type="button" className="link-button" onClick={onBack} data-testid="results-back">
          ← Back to the study
        </button>
        <h1>Results</h1>
        <span className="muted" data-testid="results-count">
          {measured} of {results.images.length} images measured with the current protocol
        </span>
      </div>
      <ProtocolSection protocol={results.protocol} readOnly={view.study.readOnly} />
      <AnalyseAllSection
        run={analysis.run}
        canRun={reason === null}
        reason={reason}
        onStart={(redo) => void analysis.start(redo)}
        onCancel={() => void analysis.cancel()}
        onDismiss={analysis.dismiss}
      />
      <section className="results-card" aria-labelledby="table-heading">
        <h2 id="table-heading">Measurements</h2>
        <ResultsTable results={results} />
      </section>
      <CohortSection results={results} choice={choice} onChoice={setPicked} />
      <SeriesSection results={results} />
      <ExportBar choice={choice} />
    </main>
  );
}
