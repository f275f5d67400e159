/**
 * Analysis worker thread (bundled as out/analysis-worker.cjs). It holds a view of the shared pixels and
 * the prepared kernel, and runs the band jobs the pool sends it; all the pixel work is the pure shared/
 * kernel, so a band gives the same numbers here as in any other thread.
 */
import { parentPort } from 'node:worker_threads';
import { prepareKernel, type PixelBuffer, type PreparedKernel } from '../../../shared/analysis/kernel';
import { runBandJob } from '../../../shared/analysis/band-jobs';
import type { ToWorker } from './worker-messages';

let image: PixelBuffer | null = null;
let prepared: PreparedKernel | null = null;

function transferables(result: unknown): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const visit = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer && !buffers.includes(value.buffer)) buffers.push(value.buffer);
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit(result);
  return buffers;
}

parentPort!.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'image') {
      image = {
        data: new Uint8Array(message.shared),
        width: message.width,
        height: message.height,
        channels: message.channels,
        firstRow: message.firstRow,
      };
      // The prepared kernel depends on the parameters only: it stays valid for every strip.
    } else if (message.type === 'release') {
      // Drop the pixels so an idle worker holds no image memory.
      image = null;
      prepared = null;
    } else if (message.type === 'setup') {
      prepared = prepareKernel(message.params, message.region);
    } else {
      if (!image) throw new Error('analysis worker: job before image');
      const result = runBandJob(image, prepared, message.job);
      parentPort!.postMessage({ type: 'done', id: message.id, result }, transferables(result));
    }
  } catch (err) {
    const id = message.type === 'job' ? message.id : -1;
    parentPort!.postMessage({ type: 'error', id, message: (err as Error).stack ?? String(err) });
  }
});
