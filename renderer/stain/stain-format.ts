/**
 * Text for the stain numbers. A value that does not exist is "n/a" with the reason beside it, never
 * NaN, Infinity or a blank: a lab user must see why a figure is missing.
 */
import type { StainChange } from '../../shared/analysis/change';
import type { StainMeasurement } from '../../shared/analysis/measure';

export interface Figure {
  text: string;
  /** Why the value is n/a (null when there is a value). */
  reason: string | null;
}

const value = (text: string): Figure => ({ text, reason: null });
const missing = (reason: string): Figure => ({ text: 'n/a', reason });

const grouped = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const signed = (n: number, text: string) =>
  n > 0 ? `+${text}` : n < 0 ? `−${text.replace(/^-/, '')}` : text;

/** Areas in µm²: whole numbers from 100 up, one decimal below (small specks at high magnification). */
export function formatUm2(um2: number): string {
  return `${grouped(um2, Math.abs(um2) >= 100 || um2 === 0 ? 0 : 1)} µm²`;
}

export const formatPx = (px: number): string => `${grouped(px)} px`;

/** What the manual corrections changed: "+N px / −M px" (added, removed), or "none". */
export function manualFigure(m: StainMeasurement): Figure {
  if (m.manualAddedPx === 0 && m.manualRemovedPx === 0) return value('none');
  return value(`+${grouped(m.manualAddedPx)} px / −${grouped(m.manualRemovedPx)} px`);
}

export function areaUm2Figure(um2: number | null): Figure {
  return um2 === null ? missing('not calibrated') : value(formatUm2(um2));
}

/** The analysis words its advice for the command line; in the panel the same switch is a checkbox. */
const inPanelWords = (reason: string) =>
  reason.replace('analyse it with --tissue none', 'switch “Tissue only” off');

export function fractionFigure(m: StainMeasurement): Figure {
  if (m.stainedFraction === null)
    return missing(inPanelWords(m.stainedFractionReason ?? 'nothing was analysed'));
  return value(`${grouped(m.stainedFraction * 100, 2)} %`);
}

export function meanODFigure(m: StainMeasurement): Figure {
  return m.meanStainedOD === null
    ? missing('no pixel is stained at this threshold')
    : value(`${m.meanStainedOD.toFixed(3)} OD`);
}

export function thresholdFigure(od: number | null, method: string): Figure {
  return od === null
    ? missing(`${method} found no split: the analysed pixels have a single stain level`)
    : value(`${od.toFixed(3)} OD`);
}

/** The absolute change: µm² when both images are calibrated, otherwise pixels, with the reason. */
export function absoluteChangeFigure(change: StainChange): Figure {
  if (change.stainedAreaUm2 !== null)
    return value(signed(change.stainedAreaUm2, formatUm2(change.stainedAreaUm2)));
  return {
    text: signed(change.stainedAreaPx, formatPx(change.stainedAreaPx)),
    reason: `in pixels: ${change.reasons.stainedAreaUm2 ?? 'an image has no calibration'}`,
  };
}

export function pointsFigure(change: StainChange): Figure {
  return change.fractionPoints === null
    ? missing(change.reasons.fractionPoints ?? 'a stained fraction is undefined')
    : value(`${signed(change.fractionPoints, grouped(change.fractionPoints, 2))} pp`);
}

export function relativeFigure(change: StainChange): Figure {
  return change.relativePercent === null
    ? missing(change.reasons.relativePercent ?? 'undefined')
    : value(`${signed(change.relativePercent, grouped(change.relativePercent, 1))} %`);
}

export function foldFigure(change: StainChange): Figure {
  return change.foldChange === null
    ? missing(change.reasons.foldChange ?? 'undefined')
    : value(`${grouped(change.foldChange, change.foldChange >= 100 ? 0 : 2)}×`);
}
