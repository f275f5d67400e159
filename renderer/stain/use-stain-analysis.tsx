/**
 * The stain analysis of a pair, as the pair view mounts it: one set of settings (one protocol for both
 * images), a live overlay layer per pane and the panel with the controls and the numbers.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ChangeMeasure } from '../../shared/analysis/change';
import { AnalysisInputError } from '../../shared/analysis/errors';
import {
  parseProtocol,
  resolveProtocol,
  type AnalysisProtocolInput,
  type ResolvedParams,
} from '../../shared/analysis/protocol';
import type { ImageRecord } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { StainOverlayLayer } from './StainOverlayLayer';
import { StainPanel } from './StainPanel';
import {
  DEFAULT_OVERLAY,
  DEFAULT_SETTINGS,
  findPresetInfo,
  protocolOf,
  type OverlayStyle,
} from './stain-settings';
import { rememberStainSettings } from './last-stain-settings';
import { useStainPresets } from './use-stain-presets';
import { useStainSide } from './use-stain-side';
import './stain.css';

export interface StainAnalysisView {
  panel: ReactNode;
  layers: { before: ReactNode; after: ReactNode };
  /** The protocol both images are measured with (null while it cannot be used), e.g. for detection tools. */
  protocol: AnalysisProtocolInput | null;
}

type Resolution = { params: ResolvedParams; problem: null } | { params: null; problem: string };

export function useStainAnalysis(before: ImageRecord, after: ImageRecord): StainAnalysisView {
  const appApi = useAppApi();
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  const [overlay, setOverlay] = useState<OverlayStyle>(DEFAULT_OVERLAY);
  const [changeMeasure, setChangeMeasure] = useState<ChangeMeasure>('fraction');
  const [retry, setRetry] = useState(0);
  const presets = useStainPresets(appApi);
  // The Results screen can make these the study protocol.
  useEffect(() => rememberStainSettings(settings), [settings]);

  const preset = presets.status === 'ready' ? findPresetInfo(presets.presets, settings.preset) : null;
  const protocol = useMemo(() => (preset ? protocolOf(settings, preset) : null), [preset, settings]);
  const protocolKey = JSON.stringify(protocol);
  const resolution = useMemo((): Resolution | null => {
    if (!protocol) return null;
    try {
      // The preview's white point is 255 (the protocol's default); units do not matter for the preview.
      const params = resolveProtocol(parseProtocol(protocol), {
        umPerPx: null,
        hasRoi: false,
        white: [255, 255, 255],
      });
      return { params, problem: null };
    } catch (err) {
      if (err instanceof AnalysisInputError) return { params: null, problem: err.message };
      throw err;
    }
    // protocolKey identifies the protocol's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [protocolKey]);

  const usable = resolution?.params ? protocol : null;
  const params = resolution?.params ?? null;
  const sides = {
    before: useStainSide({ appApi, record: before, protocol: usable, params, settings, retry }),
    after: useStainSide({ appApi, record: after, protocol: usable, params, settings, retry }),
  };

  const layer = (role: 'before' | 'after', record: ImageRecord) => (
    <StainOverlayLayer
      side={role}
      field={sides[role].field}
      image={{ width: record.width, height: record.height }}
      thresholdOD={sides[role].overlayThresholdOD}
      style={overlay}
    />
  );

  return {
    protocol: usable,
    layers: { before: layer('before', before), after: layer('after', after) },
    panel: (
      <StainPanel
        presets={presets}
        preset={preset}
        settings={settings}
        onSettings={setSettings}
        overlay={overlay}
        onOverlay={setOverlay}
        protocolProblem={resolution?.problem ?? null}
        sides={sides}
        changeMeasure={changeMeasure}
        onChangeMeasure={setChangeMeasure}
        onRetry={() => setRetry((n) => n + 1)}
      />
    ),
  };
}
