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

export function defaultTimepoints(
  images: readonly ImageResult[],
): { baseline: string; followup: string } | null {
  const labels: LabelOrder[] = [];
  for (const { timepoint } of images) {
    if (labels.some((l) => sameLabel(l.label, timepoint.label))) continue;
    labels.push({
      label: timepoint.label,
      session: timepoint.session ?? Number.POSITIVE_INFINITY,
      date: timepoint.date ?? '9999-12-31',
    });
  }
  if (labels.length < 2) return null;
  const ordered = [...labels].sort((a, b) => a.session - b.session || a.date.localeCompare(b.date));
  return { baseline: ordered[0]!.label, followup: ordered[ordered.length - 1]!.label };
}
