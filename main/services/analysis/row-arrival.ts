/**
 * Rows of an image arriving in order from a streaming decoder: bands wait here until the rows they read
 * (with the Gaussian's halo) are in place.
 */
export class RowArrival {
  private rows = 0;
  private failure: { error: unknown } | null = null;
  private waiters: { rows: number; resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(readonly height: number) {}

  get complete(): boolean {
    return this.rows >= this.height;
  }

  /** Rows [0, rows) are complete. */
  advance(rows: number): void {
    this.rows = Math.max(this.rows, Math.min(rows, this.height));
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.rows <= this.rows) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** The decoder failed: every band waiting, and any that comes later, gets its error. */
  fail(error: unknown): void {
    this.failure ??= { error };
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  /** Resolves once rows [0, rows) are complete (rows is clamped to the image height). */
  whenReady(rows: number): Promise<void> {
    const wanted = Math.min(rows, this.height);
    if (this.rows >= wanted) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure.error);
    return new Promise((resolve, reject) => this.waiters.push({ rows: wanted, resolve, reject }));
  }
}
