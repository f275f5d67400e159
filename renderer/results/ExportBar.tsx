/** The study's exports: results as CSV, the comparison report as PDF, annotations as QuPath GeoJSON. */
import { useState } from 'react';
import type { ExportFormat } from '../../shared/api-study-export';
import { electronBridge } from '../api/bridge';
import { useNotices } from '../ui/notices';
import type { CohortChoice } from './CohortSection';
import { exportStudy } from './export-study';

const LABELS: Record<ExportFormat, string> = {
  csv: 'Results (CSV)',
  pdf: 'Comparison report (PDF)',
  geojson: electronBridge() ? 'Annotations (GeoJSON folder)' : 'Annotations (GeoJSON, zip)',
};

export function ExportBar({ choice }: { choice: CohortChoice | null }) {
  const { showError, showSuccess } = useNotices();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    const result = await exportStudy({
      format,
      measure: choice?.measure ?? 'fraction',
      baseline: choice?.baseline,
      followup: choice?.followup,
    });
    setBusy(null);
    if (!result.ok) return showError('The export failed', result.error);
    if (result.value !== 'download' && !result.value.cancelled) {
      showSuccess(
        `Saved ${result.value.written.length === 1 ? result.value.written[0] : `${result.value.written.length} files`}.`,
      );
    }
  };
  return (
    <section className="results-card" aria-labelledby="export-heading" data-testid="export-section">
      <div className="results-card-head">
        <h2 id="export-heading">Export</h2>
        {(Object.keys(LABELS) as ExportFormat[]).map((format) => (
          <button
            key={format}
            type="button"
            className="button"
            disabled={busy !== null || (format === 'pdf' && !choice)}
            onClick={() => void run(format)}
            data-testid={`export-${format}`}
          >
            {busy === format ? 'Exporting…' : LABELS[format]}
          </button>
        ))}
      </div>
      <p className="muted small">
        The same files as <code>dermaquant study export</code>. The report compares the cohort section's
        timepoints{choice ? ` (${choice.followup} against ${choice.baseline}, ${choice.measure})` : ''}.
      </p>
    </section>
  );
}
