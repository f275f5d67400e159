/**
 * Measures what the user feels: the time from a threshold input event to the overlay drawn on every
 * pane that shows one. Each measurement is a `performance.measure('dq-stain-overlay')` entry (visible in
 * the browser's performance tools) and is appended to `window.__dqStainLatency` for scripted checks.
 */
export type OverlaySide = 'before' | 'after';

declare global {
  interface Window {
    __dqStainLatency?: number[];
  }
}

export const LATENCY_MEASURE = 'dq-stain-overlay';

const showing = new Set<OverlaySide>();
let pending: { start: number; waiting: Set<OverlaySide> } | null = null;

/** An overlay layer is on screen (or no longer is). */
export function setOverlayShowing(side: OverlaySide, on: boolean): void {
  if (on) showing.add(side);
  else {
    showing.delete(side);
    overlayDrawn(side);
  }
}

/** A threshold input event, with its `timeStamp` (the time the browser created the event). */
export function thresholdInput(eventTimeStamp: number): void {
  if (showing.size === 0) return;
  // A newer input supersedes a pending one: the user waits for the latest picture, from its own input.
  pending = { start: eventTimeStamp, waiting: new Set(showing) };
}

/** An overlay layer finished drawing. */
export function overlayDrawn(side: OverlaySide): void {
  if (!pending) return;
  pending.waiting.delete(side);
  if (pending.waiting.size > 0) return;
  const end = performance.now();
  const { start } = pending;
  pending = null;
  performance.measure(LATENCY_MEASURE, { start, end });
  (window.__dqStainLatency ??= []).push(end - start);
}
