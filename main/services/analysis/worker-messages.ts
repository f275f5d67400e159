import type { ResolvedParams } from '../../../shared/analysis/protocol';
import type { BandJob } from '../../../shared/analysis/band-jobs';
import type { AnalysisRegion } from '../../../shared/analysis/region';

/** Messages from the pool to an analysis worker. */
export type ToWorker =
  | {
      type: 'image';
      shared: SharedArrayBuffer;
      width: number;
      height: number;
      channels: number;
      /** First image row in the buffer (a strip of a large image). */
      firstRow: number;
    }
  | { type: 'setup'; params: ResolvedParams; region: AnalysisRegion | null }
  | { type: 'release' }
  | { type: 'job'; id: number; job: BandJob };

/** Messages from an analysis worker back to the pool. */
export type FromWorker =
  { type: 'done'; id: number; result: unknown } | { type: 'error'; id: number; message: string };
