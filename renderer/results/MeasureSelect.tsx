/** The measure the statistics are computed on, chosen alike in the cohort and the across-timepoints sections. */
import type { CohortMeasure } from '../../shared/stats/cohort';

export function MeasureSelect(props: {
  value: CohortMeasure;
  onChange: (measure: CohortMeasure) => void;
  testId: string;
}) {
  return (
    <label className="field field-inline">
      Measure
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as CohortMeasure)}
        data-testid={props.testId}
      >
        <option value="fraction">Stained fraction</option>
        <option value="area">Stained area (µm²)</option>
      </select>
    </label>
  );
}
