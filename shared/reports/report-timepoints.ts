/**
 * Which timepoints a report compares when the user names none: the study's earliest labelled timepoint
 * (by session number, then date) as before and its latest as after. Labels are matched as the CLI
 * matches them (sameLabel), so "Baseline" and "baseline" are one timepoint.
 */
import type { ImageResult } from '../api-study-results';
import { sameLabel } from '../stats/cohort';

interface LabelOrder {
  label: string;
  session: number;
  date: string;
}

/** The study's timepoint labels (each once) from the earliest to the latest: by session number, then date. */
export function orderedTimepointLabels(images: readonly ImageResult[]): string[] {
  const labels: LabelOrder[] = [];
  for (const { timepoint } of images) {
    if (labels.some((l) => sameLabel(l.label, timepoint.label))) continue;
    labels.push({
      label: timepoint.label,
      session: timepoint.session ?? Number.POSITIVE_INFINITY,
      date: timepoint.date ?? '9999-12-31',
    });
  }
  return [...labels]
    .sort((a, b) => a.session - b.session || a.date.localeCompare(b.date))
    .map((l) => l.label);
}

export function defaultTimepoints(
  images: readonly ImageResult[],
): { baseline: string; followup: string } | null {
  const ordered = orderedTimepointLabels(images);
  if (ordered.length < 2) return null;
  return { baseline: ordered[0]!, followup: ordered[ordered.length - 1]! };
}
