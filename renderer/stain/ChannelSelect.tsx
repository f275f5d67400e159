import type { StainPresetInfo } from '../../shared/analysis/api-schemas';
import { effectiveChannel } from './stain-settings';

/** The stain channel measured: one of the preset's stains (its target when none is chosen). */
export function ChannelSelect(props: {
  preset: StainPresetInfo | null;
  channel: string | null;
  onChannel: (channel: string) => void;
  testId: string;
}) {
  const { preset } = props;
  return (
    <select
      value={preset ? effectiveChannel(preset, props.channel) : ''}
      disabled={!preset}
      onChange={(e) => props.onChannel(e.target.value)}
      data-testid={props.testId}
    >
      {preset?.stains.map((s) => (
        <option key={s.name} value={s.name}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
