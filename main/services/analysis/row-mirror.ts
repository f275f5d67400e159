/**
 * Shared memory for the worker threads, filled only with the rows a worker is about to read.
 *
 * sharp hands over a whole decoded image at once (its raw output stream is the same single buffer, pushed
 * when libvips has finished), so the analysis cannot start before decoding ends. What it can avoid is a
 * full copy into shared memory before the first band runs: the calling thread reads its bands straight
 * from sharp's buffer, and each worker band's rows (plus the Gaussian's halo) are copied just before that
 * band is posted. Every band still reads exactly the same pixel values, so the numbers do not change.
 */
import type { PixelBuffer } from '../../../shared/analysis/kernel';
import type { SharedPixels } from './decode-pixels';

export class RowMirror {
  /** What the workers read (pass to AnalysisWorkerPool.loadImage). */
  readonly shared: SharedPixels;
  private readonly rowBytes: number;
  private readonly firstRow: number;
  private readonly rowsHeld: number;
  /** 1 for each row of `local` already copied into `shared`. */
  private readonly copied: Uint8Array;

  constructor(private readonly local: PixelBuffer) {
    this.rowBytes = local.width * local.channels;
    this.firstRow = local.firstRow ?? 0;
    this.rowsHeld = Math.floor(local.data.length / this.rowBytes);
    this.copied = new Uint8Array(this.rowsHeld);
    const memory = new SharedArrayBuffer(local.data.length);
    this.shared = {
      data: new Uint8Array(memory),
      shared: memory,
      width: local.width,
      height: local.height,
      channels: local.channels,
      firstRow: this.firstRow,
    };
  }

  /** Make image rows [y0, y1) (clamped to the rows held) readable by the workers. */
  ensureRows(y0: number, y1: number): void {
    const start = Math.max(0, y0 - this.firstRow);
    const end = Math.min(this.rowsHeld, y1 - this.firstRow);
    let row = start;
    while (row < end) {
      if (this.copied[row]) {
        row++;
        continue;
      }
      // One copy per run of rows not yet copied.
      let runEnd = row;
      while (runEnd < end && !this.copied[runEnd]) runEnd++;
      this.shared.data.set(
        this.local.data.subarray(row * this.rowBytes, runEnd * this.rowBytes),
        row * this.rowBytes,
      );
      this.copied.fill(1, row, runEnd);
      row = runEnd;
    }
  }
}
