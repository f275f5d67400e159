/**
 * The stain panel of the pair view: the protocol both images are measured with (preset, channel,
 * threshold, tissue detection), the overlay's look, where the numbers are measured, and the numbers.
 */
import type { StainPresetInfo } from '../../shared/analysis/api-schemas';
import type { ChangeMeasure } from '../../shared/analysis/change';
import { describeRegion } from './analysis-region';
import { ChannelSelect } from './ChannelSelect';
import { StainNumbers, type SideNumbers } from './StainNumbers';
import type { OverlayStyle, StainSettings } from './stain-settings';
import { thresholdInput } from './latency-probe';
import { ThresholdControl } from './ThresholdControl';
import type { StainSide } from './use-stain-side';
import type { PresetsState } from './use-stain-presets';

interface StainPanelProps {
  presets: PresetsState;
  preset: StainPresetInfo | null;
  settings: StainSettings;
  onSettings: (update: (s: StainSettings) => StainSettings) => void;
  overlay: OverlayStyle;
  onOverlay: (update: (o: OverlayStyle) => OverlayStyle) => void;
  protocolProblem: string | null;
  sides: { before: StainSide; after: StainSide };
  changeMeasure: ChangeMeasure;
  onChangeMeasure: (measure: ChangeMeasure) => void;
  onRetry: () => void;
}

/** What "preview" and "exact" mean, said once under the numbers. */
const FIGURES_NOTE =
  'The overlay and the "Preview ≈" figures come from the display preview and follow every change; the "Exact" figures are measured on the full-resolution image once the settings are still.';

const thresholdWords = (side: StainSide): string =>
  side.thresholdOD === null
    ? side.field || side.measurementIsExact
      ? 'none (no split)'
      : '…'
    : `${side.thresholdOD.toFixed(3)} OD${side.measurementIsExact ? ' (exact)' : ' (preview)'}`;

function sideNumbers(role: 'before' | 'after', side: StainSide, onRetry: () => void): SideNumbers {
  return {
    role,
    measurement: side.measurement,
    exact: side.measurementIsExact,
    thresholdOD: side.thresholdOD,
    state: side.exact,
    onRetry,
  };
}

export function StainPanel(props: StainPanelProps) {
  const { presets, preset, settings, onSettings, overlay, onOverlay, sides } = props;
  const update = (patch: Partial<StainSettings>) => onSettings((s) => ({ ...s, ...patch }));
  const builtIn = presets.status === 'ready' ? presets.presets.filter((p) => p.builtIn) : [];
  const saved = presets.status === 'ready' ? presets.presets.filter((p) => !p.builtIn) : [];

  return (
    <section className="stain-panel" data-testid="stain-panel" aria-label="Stain analysis">
      <h2>Stain analysis</h2>
      {presets.status === 'failed' && (
        <p className="stain-error" role="alert" data-testid="stain-presets-error">
          The stain presets could not be read: {presets.error.message}
        </p>
      )}
      <div className="stain-row">
        <label className="field">
          Stain preset
          <select
            value={settings.preset}
            disabled={presets.status !== 'ready'}
            onChange={(e) => update({ preset: e.target.value, channel: null })}
            data-testid="stain-preset"
            title={preset?.description}
          >
            <optgroup label="Built in">
              {builtIn.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </optgroup>
            {saved.length > 0 && (
              <optgroup label="Calibrated in this study">
                {saved.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label className="field">
          Measured stain
          <ChannelSelect
            preset={preset}
            channel={settings.channel}
            onChannel={(channel) => update({ channel })}
            testId="stain-channel"
          />
        </label>
      </div>
      {preset && <p className="stain-hint muted">{preset.description}</p>}
      {props.protocolProblem && (
        <p className="stain-error" role="alert" data-testid="stain-protocol-error">
          {props.protocolProblem}
        </p>
      )}

      <ThresholdControl
        method={settings.method}
        thresholdOD={settings.thresholdOD}
        automatic={
          settings.method === 'fixed'
            ? null
            : { before: thresholdWords(sides.before), after: thresholdWords(sides.after) }
        }
        onMethod={(method) => update({ method })}
        onThreshold={(od, timeStamp) => {
          thresholdInput(timeStamp);
          update({ method: 'fixed', thresholdOD: od });
        }}
      />

      <label className="toggle stain-toggle" title="Count only tissue: pixels whose summed OD is above 0.15">
        <input
          type="checkbox"
          checked={settings.detectTissue}
          onChange={(e) => update({ detectTissue: e.target.checked })}
          data-testid="tissue-toggle"
        />
        <span>Tissue only (no white background)</span>
      </label>

      <fieldset className="stain-group">
        <legend>Overlay</legend>
        <div className="stain-row overlay-row">
          <label className="toggle">
            <input
              type="checkbox"
              checked={overlay.visible}
              onChange={(e) => onOverlay((o) => ({ ...o, visible: e.target.checked }))}
              data-testid="overlay-toggle"
            />
            <span>Show</span>
          </label>
          <label className="field field-inline">
            Colour
            <input
              type="color"
              value={overlay.colour}
              onChange={(e) => onOverlay((o) => ({ ...o, colour: e.target.value }))}
              data-testid="overlay-colour"
            />
          </label>
          <label className="field field-inline overlay-opacity">
            Opacity
            <input
              type="range"
              min={0.1}
              max={1}
              step={0.05}
              value={overlay.opacity}
              onChange={(e) => onOverlay((o) => ({ ...o, opacity: Number(e.target.value) }))}
              data-testid="overlay-opacity"
            />
          </label>
        </div>
      </fieldset>

      {(['before', 'after'] as const).map((role) => (
        <SideNotes key={role} role={role} side={sides[role]} detectTissue={settings.detectTissue} />
      ))}

      {/* Settings that cannot be resolved measure nothing: the message above says what to change. */}
      {!props.protocolProblem && (
        <StainNumbers
          before={sideNumbers('before', sides.before, props.onRetry)}
          after={sideNumbers('after', sides.after, props.onRetry)}
          method={settings.method === 'otsu' ? 'Otsu' : 'the triangle method'}
          changeMeasure={props.changeMeasure}
          onChangeMeasure={props.onChangeMeasure}
        />
      )}
      <p className="stain-footnote muted">
        {FIGURES_NOTE}{' '}
        <button
          type="button"
          className="link-button"
          onClick={props.onRetry}
          title="Read the regions of interest again (after editing them) and measure both images again"
          data-testid="stain-remeasure"
        >
          Measure again
        </button>
      </p>
    </section>
  );
}

function SideNotes({
  role,
  side,
  detectTissue,
}: {
  role: 'before' | 'after';
  side: StainSide;
  detectTissue: boolean;
}) {
  const label = role === 'before' ? 'Before' : 'After';
  const { region } = side;
  return (
    <div className="stain-side-notes" data-testid={`stain-region-${role}`}>
      {region.status === 'ready' && (
        <p className="muted">
          <strong>{label}:</strong> {describeRegion(region.value, detectTissue)}
        </p>
      )}
      {region.status === 'failed' && (
        <p className="stain-error" role="alert">
          <strong>{label}:</strong> its regions of interest could not be read, so it is not measured:{' '}
          {region.error.message}
        </p>
      )}
      {side.previewProblem && (
        <p className="stain-error" role="alert" data-testid={`stain-preview-error-${role}`}>
          {side.previewProblem}
        </p>
      )}
      {!side.previewProblem && side.previewPending && (
        <p className="muted" data-testid={`stain-preview-pending-${role}`}>
          {label}: preparing the live overlay…
        </p>
      )}
    </div>
  );
}
