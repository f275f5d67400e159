/**
 * Everything the stain panel knows about one image of the pair: its analysis region, the live preview
 * (pixels, stain field, threshold, estimated numbers) and the exact full-resolution measurement.
 */
import { useMemo } from 'react';
import type { StainMeasurement } from '../../shared/analysis/measure';
import type { AnalysisProtocolInput, ResolvedParams } from '../../shared/analysis/protocol';
import type { ImageRecord } from '../../shared/domain';
import type { AppApi } from '../api/client';
import { regionInPreview, type ImageRegion } from './analysis-region';
import { previewMeasurement, previewThreshold } from './preview-stats';
import type { AnalysedField } from './stain-field';
import type { StainSettings } from './stain-settings';
import { useExactAnalysis, type ExactState } from './use-exact-analysis';
import { useImageRegion, type RegionState } from './use-image-region';
import { useAnalysedField, usePreviewPixels, useStainField } from './use-stain-field';

export interface StainSide {
  region: RegionState;
  /** Why the preview cannot be shown (the preview could not be read), or null. */
  previewProblem: string | null;
  /** The preview is still being prepared (loading, computing the stain field). */
  previewPending: boolean;
  field: AnalysedField | null;
  /** The threshold the overlay uses: exact when known, else the preview's; null = nothing stained. */
  overlayThresholdOD: number | null;
  exact: ExactState;
  /** The figures to show, and whether they are the exact ones. */
  measurement: StainMeasurement | null;
  measurementIsExact: boolean;
  thresholdOD: number | null;
}

export interface SideInputs {
  appApi: AppApi;
  record: ImageRecord;
  protocol: AnalysisProtocolInput | null;
  /** The protocol resolved for the preview (null when it cannot be resolved: the panel says why). */
  params: ResolvedParams | null;
  settings: StainSettings;
  /** Bumped to read the regions again and measure again. */
  retry: number;
}

export function useStainSide({ appApi, record, protocol, params, settings, retry }: SideInputs): StainSide {
  const region = useImageRegion(appApi, record.id, retry);
  const imageRegion: ImageRegion | null = region.status === 'ready' ? region.value : null;
  const regionKey = region.status === 'ready' ? region.key : null;
  const { width, height, previewWidth, previewHeight } = record;

  const previewRegion = useMemo(
    () =>
      imageRegion
        ? regionInPreview(imageRegion, { width, height }, { width: previewWidth, height: previewHeight })
        : null,
    // regionKey identifies imageRegion's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [regionKey, width, height, previewWidth, previewHeight],
  );
  const preview = usePreviewPixels(appApi.imageUrl(record.id, 'preview'), record.fileName);
  const fieldKey = params
    ? JSON.stringify([params.unmixing, params.white.rgb, params.tissueThresholdOD, regionKey])
    : 'none';
  const stainField = useStainField(preview.pixels, imageRegion ? params : null, previewRegion, fieldKey);
  const field = useAnalysedField(stainField, settings.detectTissue);

  const request =
    protocol && params && imageRegion ? { imageId: record.id, protocol, region: imageRegion.region } : null;
  // The Node side reads the corrections from the study; regionKey (which covers them) starts a new
  // analysis when they change.
  const exact = useExactAnalysis(appApi, request, JSON.stringify([request, retry, regionKey]));

  const previewOD = field ? previewThreshold(field, settings.method, settings.thresholdOD) : null;
  const exactRecord = exact.status === 'done' ? exact.record : null;
  const thresholdOD = exactRecord ? exactRecord.params.threshold.od : previewOD;
  const estimate = useMemo(
    () =>
      field
        ? previewMeasurement(
            field,
            previewOD,
            { width, height, umPerPx: record.umPerPx },
            settings.detectTissue,
          )
        : null,
    [field, previewOD, width, height, record.umPerPx, settings.detectTissue],
  );

  return {
    region,
    previewProblem: preview.status === 'failed' ? preview.message : null,
    previewPending:
      preview.status === 'loading' ||
      (preview.status === 'ready' && params !== null && imageRegion !== null && field === null),
    field,
    overlayThresholdOD: settings.method === 'fixed' ? settings.thresholdOD : thresholdOD,
    exact,
    measurement: exactRecord ? exactRecord.measurement : estimate,
    measurementIsExact: exactRecord !== null,
    thresholdOD: exactRecord ? exactRecord.params.threshold.od : previewOD,
  };
}
