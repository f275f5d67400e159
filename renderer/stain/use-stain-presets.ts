import { useEffect, useState } from 'react';
import type { StainPresetInfo } from '../../shared/analysis/api-schemas';
import type { ApiError } from '../../shared/result';
import type { AppApi } from '../api/client';

export type PresetsState =
  | { status: 'loading' }
  | { status: 'ready'; presets: StainPresetInfo[] }
  | { status: 'failed'; error: ApiError };

/** Built-in presets and those calibrated in the study; read again when a calibration is saved. */
export function useStainPresets(appApi: AppApi): PresetsState {
  const [state, setState] = useState<PresetsState>({ status: 'loading' });
  const [saved, setSaved] = useState(0);
  useEffect(
    () => appApi.on('study-changed', (e) => e.reason === 'stain-preset-saved' && setSaved((n) => n + 1)),
    [appApi],
  );
  useEffect(() => {
    let current = true;
    void appApi.api.listStainPresets({}).then((result) => {
      if (!current) return;
      setState(
        result.ok ? { status: 'ready', presets: result.value } : { status: 'failed', error: result.error },
      );
    });
    return () => {
      current = false;
    };
  }, [appApi, saved]);
  return state;
}
