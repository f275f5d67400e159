/**
 * The study protocol as the Results screen edits it: the stain panel's settings (preset, channel,
 * threshold, tissue) over the stored protocol, whose other options (white point, smoothing, size
 * filters, set from the command line) are kept as they are.
 */
import type { AnalysisProtocol } from '../../shared/analysis/protocol';
import type { StainPresetInfo } from '../../shared/analysis/api-schemas';
import { DEFAULT_SETTINGS, protocolOf, type StainSettings } from '../stain/stain-settings';

export function settingsOfProtocol(protocol: AnalysisProtocol | null): StainSettings {
  if (!protocol) return DEFAULT_SETTINGS;
  const t = protocol.threshold;
  return {
    preset: protocol.stain,
    channel: protocol.channel,
    method: t.method,
    thresholdOD: t.method === 'fixed' ? t.od : DEFAULT_SETTINGS.thresholdOD,
    detectTissue: protocol.tissue !== 'none',
  };
}

/** The protocol to save: the settings over the current one (colours of --stain-rgb only for the same preset). */
export function protocolWith(
  current: AnalysisProtocol | null,
  settings: StainSettings,
  preset: StainPresetInfo,
): Record<string, unknown> {
  const chosen = protocolOf(settings, preset);
  if (!current) return chosen;
  const keepColours = current.stain === chosen.stain;
  return { ...current, ...chosen, stainColours: keepColours ? current.stainColours : [] };
}

/** One line a researcher can check against the methods section of the paper. */
export function describeProtocol(p: AnalysisProtocol): string {
  const threshold =
    p.threshold.method === 'fixed'
      ? `fixed ${p.threshold.od.toFixed(3)} OD`
      : `automatic (${p.threshold.method})`;
  const parts = [
    `stain ${p.stain}${p.stains ? ' (calibrated vectors)' : ''}`,
    `channel ${p.channel ?? "the preset's target"}`,
    `threshold ${threshold}`,
    `tissue ${p.tissue === 'none' ? 'not detected (every pixel of the region)' : 'detected'}`,
  ];
  if (p.white !== 'default') parts.push(`white ${Array.isArray(p.white) ? p.white.join(',') : p.white}`);
  if (p.smoothing) parts.push(`smoothing σ ${p.smoothing.sigma} ${p.smoothing.unit}`);
  if (p.minObjectArea !== null) parts.push(`objects under ${p.minObjectArea} removed`);
  if (p.maxHoleArea !== null) parts.push(`holes under ${p.maxHoleArea} filled`);
  if (p.stainColours.length > 0)
    parts.push(`stain colours ${p.stainColours.map((c) => c.join(',')).join(' / ')}`);
  return parts.join(' · ');
}
