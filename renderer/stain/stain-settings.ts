/**
 * What the stain panel lets the user choose, and how it becomes the analysis protocol. One protocol is
 * shared by both images of the pair: a study measures before and after the same way.
 */
import type { StainPresetInfo } from '../../shared/analysis/api-schemas';
import {
  DEFAULT_THRESHOLD_OD,
  MAX_THRESHOLD_OD,
  type AnalysisProtocolInput,
} from '../../shared/analysis/protocol';
import type { ThresholdMethod } from './preview-stats';

export interface StainSettings {
  preset: string;
  /** The measured stain; null = the preset's target stain. */
  channel: string | null;
  method: ThresholdMethod;
  /** The fixed threshold, kept while an automatic method is on so switching back restores it. */
  thresholdOD: number;
  /** Denominator: detected tissue (background excluded) or every pixel (of the region of interest). */
  detectTissue: boolean;
}

export interface OverlayStyle {
  visible: boolean;
  colour: string;
  opacity: number;
}

export const DEFAULT_SETTINGS: StainSettings = {
  preset: 'purple',
  channel: null,
  method: 'fixed',
  thresholdOD: DEFAULT_THRESHOLD_OD,
  detectTissue: true,
};

/** Green, the complement of the purple and pink of the stains, stands out on both. */
export const DEFAULT_OVERLAY: OverlayStyle = { visible: true, colour: '#00e070', opacity: 0.6 };

/** The slider covers the useful range finely; the number field accepts the protocol's full range. */
export const SLIDER_MAX_OD = 1.5;
export const SLIDER_STEP_OD = 0.005;
export const FIELD_STEP_OD = 0.001;
export { MAX_THRESHOLD_OD };

/** Round to the field's resolution, so 0.15 + 0.005 shows as 0.155 and not 0.15500000000000003. */
export const roundThreshold = (od: number): number => Math.round(od / FIELD_STEP_OD) * FIELD_STEP_OD;

/** Why a typed threshold cannot be used, or null when it can. */
export function thresholdProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'Type a number, e.g. 0.15.';
  if (value <= 0) return 'The threshold must be above 0 OD.';
  if (value > MAX_THRESHOLD_OD) return `The threshold can be at most ${MAX_THRESHOLD_OD} OD.`;
  return null;
}

export function findPresetInfo(presets: readonly StainPresetInfo[], name: string): StainPresetInfo | null {
  return presets.find((p) => p.name === name) ?? null;
}

/** The channel measured with these settings: the chosen one if the preset has it, else the target. */
export function effectiveChannel(preset: StainPresetInfo, channel: string | null): string {
  return channel && preset.stains.some((s) => s.name === channel) ? channel : preset.target;
}

/**
 * The protocol both images are analysed with. Study presets (calibrated in this study) carry their
 * vectors, so the renderer's preview resolves exactly what the server will.
 */
export function protocolOf(settings: StainSettings, preset: StainPresetInfo): AnalysisProtocolInput {
  return {
    stain: preset.name,
    stains: preset.builtIn ? null : preset.stains.map((s) => ({ name: s.name, od: s.od })),
    channel: effectiveChannel(preset, settings.channel),
    threshold:
      settings.method === 'fixed'
        ? { method: 'fixed', od: settings.thresholdOD }
        : { method: settings.method },
    tissue: settings.detectTissue ? 'auto' : 'none',
  };
}
