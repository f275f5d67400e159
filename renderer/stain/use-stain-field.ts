/**
 * The live-preview data of one image, as React state: the preview's pixels (loaded once), the stain
 * field (rebuilt when the stain, channel or region changes, in chunks so the page stays responsive) and
 * the analysed field (rebuilt when tissue detection is switched).
 */
import { useEffect, useMemo, useState } from 'react';
import type { PixelBuffer } from '../../shared/analysis/kernel';
import type { ResolvedParams } from '../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../shared/analysis/region';
import { loadPreviewPixels, nextMacrotask } from './preview-pixels';
import { analyseField, buildStainField, type AnalysedField, type StainField } from './stain-field';

/** About a million pixels per chunk: a few milliseconds each, so input and painting go on between. */
const ROWS_PER_MEGAPIXEL = (width: number) => Math.max(1, Math.floor(1_000_000 / width));

export type PreviewState =
  | { status: 'loading'; pixels: null; message: null }
  | { status: 'ready'; pixels: PixelBuffer; message: null }
  | { status: 'failed'; pixels: null; message: string };

export function usePreviewPixels(url: string, fileName: string): PreviewState {
  const [state, setState] = useState<{ url: string; value: PreviewState } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    loadPreviewPixels(url, fileName, controller.signal).then(
      (pixels) => setState({ url, value: { status: 'ready', pixels, message: null } }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const message = err instanceof Error ? err.message : String(err);
        setState({ url, value: { status: 'failed', pixels: null, message } });
      },
    );
    return () => controller.abort();
  }, [url, fileName]);
  return state?.url === url ? state.value : { status: 'loading', pixels: null, message: null };
}

/**
 * The stain field of the preview for the given parameters. `key` names everything the field depends on
 * (vectors, channel, white point, tissue threshold, region), so an unrelated change keeps it.
 */
export function useStainField(
  pixels: PixelBuffer | null,
  params: ResolvedParams | null,
  region: AnalysisRegion | null,
  key: string,
): StainField | null {
  const [built, setBuilt] = useState<{ pixels: PixelBuffer; key: string; field: StainField } | null>(null);
  useEffect(() => {
    if (!pixels || !params) return;
    const signal = { aborted: false };
    void buildStainField(pixels, params, region, {
      rowsPerChunk: ROWS_PER_MEGAPIXEL(pixels.width),
      pause: nextMacrotask,
      signal,
    }).then((field) => {
      if (field && !signal.aborted) setBuilt({ pixels, key, field });
    });
    return () => {
      signal.aborted = true;
    };
    // `key` stands for params and region: their identities change on every render of the caller.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pixels, key]);
  return built && built.pixels === pixels && built.key === key ? built.field : null;
}

export function useAnalysedField(field: StainField | null, detectTissue: boolean): AnalysedField | null {
  return useMemo(() => (field ? analyseField(field, detectTissue) : null), [field, detectTissue]);
}
