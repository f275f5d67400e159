/**
 * Autosave, separate from the history: each committed gesture (or undo, redo) marks the annotations it
 * touched; a short debounce later their current state is sent in one saveAnnotationChanges call
 * (present ones upserted, missing ones deleted). Never mid-stroke: while a gesture is open the save
 * waits for it. One save at a time; changes made during a save go in the next one. A failed save keeps
 * its annotations marked, shows the error, and is retried on the next change or on request.
 */
import type { Annotation } from '../../shared/annotations/types';
import type { ApiError, Result } from '../../shared/result';

export type SaveState =
  | { status: 'saved'; savedAt: string | null }
  | { status: 'pending' }
  | { status: 'saving' }
  | { status: 'error'; error: ApiError };

export interface AutosaveOptions {
  /** Sends the changes; resolves to a Result (never rejects). */
  save: (put: Annotation[], remove: string[]) => Promise<Result<{ savedAt: string }>>;
  /** The stored form of an annotation as it is now, or undefined when it was deleted. */
  current: (id: string) => Annotation | undefined;
  /** True while a gesture is open: the save waits for it to end. */
  busy: () => boolean;
  onState: (state: SaveState) => void;
  delayMs?: number;
}

export const AUTOSAVE_DELAY_MS = 300;
/** While a gesture is open, check again this often. */
const BUSY_RETRY_MS = 100;

export class Autosave {
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<boolean> | null = null;
  private state: SaveState = { status: 'saved', savedAt: null };
  private readonly delayMs: number;
  private stopped = false;

  constructor(private readonly options: AutosaveOptions) {
    this.delayMs = options.delayMs ?? AUTOSAVE_DELAY_MS;
  }

  get current(): SaveState {
    return this.state;
  }

  /** Annotations changed by a committed gesture, an undo or a redo. */
  markChanged(ids: Iterable<string>): void {
    let any = false;
    for (const id of ids) {
      this.dirty.add(id);
      any = true;
    }
    if (!any || this.stopped) return;
    if (this.state.status !== 'saving') this.setState({ status: 'pending' });
    this.schedule(this.delayMs);
  }

  /**
   * Saves now, after any save in flight. With a gesture open it saves nothing (the document holds the
   * half-drawn gesture) and tries again shortly. Resolves true when nothing is left unsaved.
   */
  async flush(): Promise<boolean> {
    this.clearTimer();
    if (this.inFlight) await this.inFlight;
    if (this.dirty.size === 0) return true;
    if (this.options.busy()) {
      if (!this.stopped) this.schedule(BUSY_RETRY_MS);
      return false;
    }
    return this.saveNow();
  }

  /** Stops the timer (the editor closing); a final flush() may still be awaited. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private saveNow(): Promise<boolean> {
    const ids = [...this.dirty];
    this.dirty.clear();
    const put: Annotation[] = [];
    const remove: string[] = [];
    for (const id of ids) {
      const annotation = this.options.current(id);
      if (annotation) put.push(annotation);
      else remove.push(id);
    }
    this.setState({ status: 'saving' });
    const run = (async () => {
      const result = await this.options.save(put, remove);
      this.inFlight = null;
      if (!result.ok) {
        // Keep them for the next attempt; newer marks are already in the set.
        ids.forEach((id) => this.dirty.add(id));
        this.setState({ status: 'error', error: result.error });
        return false;
      }
      if (this.dirty.size > 0) {
        this.setState({ status: 'pending' });
        if (!this.stopped) this.schedule(this.delayMs);
        return false;
      }
      this.setState({ status: 'saved', savedAt: result.value.savedAt });
      return true;
    })();
    this.inFlight = run;
    return run;
  }

  private setState(state: SaveState): void {
    this.state = state;
    this.options.onState(state);
  }
}
