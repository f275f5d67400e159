/**
 * The study protocol: what every image is measured with, whether it is locked, and how to set it (from
 * the stain panel's settings, or by editing). A locked protocol changes only after an explicit, confirmed
 * "unlock and change": earlier measurements keep their parameters but stop counting as current.
 */
import { useState } from 'react';
import type { StudyProtocol } from '../../shared/analysis/api-schemas';
import { useAppApi } from '../api/api-context';
import { ChannelSelect } from '../stain/ChannelSelect';
import { lastStainSettings } from '../stain/last-stain-settings';
import { findPresetInfo, thresholdProblem, type StainSettings } from '../stain/stain-settings';
import { useStainPresets } from '../stain/use-stain-presets';
import { useNotices } from '../ui/notices';
import { describeProtocol, protocolWith, settingsOfProtocol } from './protocol-settings';

const LOCK_EXPLAINED =
  'Locked: images were measured with this protocol, so every image of the study is measured alike. Changing it keeps the earlier measurements with the parameters they were made with, but they no longer count as current: the study must be analysed again.';

export function ProtocolSection({ protocol, readOnly }: { protocol: StudyProtocol; readOnly: boolean }) {
  const appApi = useAppApi();
  const presets = useStainPresets(appApi);
  const { showError, showSuccess } = useNotices();
  const [draft, setDraft] = useState<StainSettings | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [saving, setSaving] = useState(false);
  const fromPanel = lastStainSettings();
  const list = presets.status === 'ready' ? presets.presets : [];
  const preset = draft ? findPresetInfo(list, draft.preset) : null;
  const problem = draft?.method === 'fixed' ? thresholdProblem(draft.thresholdOD) : null;

  const save = async (settings: StainSettings, unlock: boolean) => {
    const chosen = findPresetInfo(list, settings.preset);
    if (!chosen) return;
    setSaving(true);
    const result = await appApi.api.setAnalysisProtocol({
      protocol: protocolWith(protocol.protocol, settings, chosen) as never,
      unlock,
    });
    setSaving(false);
    if (!result.ok) return showError('The protocol was not saved', result.error);
    setDraft(null);
    setConfirming(false);
    showSuccess(unlock ? 'Protocol unlocked and changed: analyse the study again.' : 'Study protocol saved.');
  };

  /** Saving over a locked protocol asks first. */
  const request = (settings: StainSettings) => {
    if (protocol.locked) {
      setDraft(settings);
      setConfirming(true);
    } else void save(settings, false);
  };

  const update = (patch: Partial<StainSettings>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  return (
    <section className="results-card" aria-labelledby="protocol-heading" data-testid="protocol-section">
      <div className="results-card-head">
        <h2 id="protocol-heading">Study protocol</h2>
        {protocol.protocol &&
          (protocol.locked ? (
            <span className="badge badge-locked" data-testid="protocol-locked" title={LOCK_EXPLAINED}>
              Locked
            </span>
          ) : (
            <span className="badge badge-open" data-testid="protocol-unlocked">
              Not locked yet
            </span>
          ))}
      </div>
      {protocol.protocol ? (
        <p className="protocol-line" data-testid="protocol-description">
          {describeProtocol(protocol.protocol)}
        </p>
      ) : (
        <p className="muted" data-testid="no-protocol">
          No protocol yet. Every image of a study is measured with the same protocol: set it from the stain
          panel's settings or choose them here.
        </p>
      )}
      {protocol.locked && <p className="muted small">{LOCK_EXPLAINED}</p>}

      {draft && !confirming && (
        <div className="protocol-form" data-testid="protocol-form">
          <label className="field">
            Preset
            <select
              value={draft.preset}
              onChange={(e) => update({ preset: e.target.value, channel: null })}
              data-testid="protocol-preset"
            >
              {list.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.builtIn ? '' : ' (calibrated)'}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Channel
            <ChannelSelect
              preset={preset}
              channel={draft.channel}
              onChannel={(channel) => update({ channel })}
              testId="protocol-channel"
            />
          </label>
          <label className="field">
            Threshold
            <select
              value={draft.method}
              onChange={(e) => update({ method: e.target.value as StainSettings['method'] })}
              data-testid="protocol-threshold-method"
            >
              <option value="fixed">Fixed OD</option>
              <option value="otsu">Otsu (automatic)</option>
              <option value="triangle">Triangle (automatic)</option>
            </select>
          </label>
          {draft.method === 'fixed' && (
            <label className="field field-narrow">
              OD
              <input
                type="number"
                step={0.005}
                min={0}
                value={draft.thresholdOD}
                aria-invalid={problem !== null}
                onChange={(e) => update({ thresholdOD: Number(e.target.value) })}
                data-testid="protocol-threshold-od"
              />
            </label>
          )}
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={draft.detectTissue}
              onChange={(e) => update({ detectTissue: e.target.checked })}
              data-testid="protocol-tissue"
            />
            Tissue only
          </label>
          <div className="protocol-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={saving || problem !== null || !preset}
              onClick={() => request(draft)}
              data-testid="protocol-save"
            >
              {protocol.locked ? 'Unlock and change…' : 'Save protocol'}
            </button>
            <button type="button" className="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
          {problem && <p className="field-problem">{problem}</p>}
        </div>
      )}

      {confirming && draft && (
        <div
          className="confirm-box"
          role="alertdialog"
          aria-labelledby="unlock-title"
          data-testid="unlock-confirm"
        >
          <p id="unlock-title">
            <strong>Unlock and change the study protocol?</strong> The images measured with it keep their
            figures and parameters, but they will no longer count as current: results, statistics and exports
            wait for the study to be analysed again. The change is recorded in the study's audit log.
          </p>
          <div className="protocol-actions">
            <button
              type="button"
              className="button button-danger"
              disabled={saving}
              onClick={() => void save(draft, true)}
              data-testid="unlock-confirm-button"
            >
              Unlock and change
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Keep the protocol
            </button>
          </div>
        </div>
      )}

      {!draft && !readOnly && (
        <div className="protocol-actions">
          <button
            type="button"
            className="button"
            disabled={!fromPanel || presets.status !== 'ready'}
            title={
              fromPanel
                ? describeSettings(fromPanel)
                : 'Open a pair and choose the settings in its stain panel first; they are remembered here.'
            }
            onClick={() => fromPanel && request(fromPanel)}
            data-testid="protocol-from-panel"
          >
            Use the stain panel's settings
          </button>
          <button
            type="button"
            className="button"
            disabled={presets.status !== 'ready'}
            onClick={() => setDraft(settingsOfProtocol(protocol.protocol))}
            data-testid="protocol-edit"
          >
            {protocol.locked ? 'Unlock and change…' : protocol.protocol ? 'Edit…' : 'Choose settings…'}
          </button>
        </div>
      )}
    </section>
  );
}

function describeSettings(s: StainSettings): string {
  const threshold = s.method === 'fixed' ? `${s.thresholdOD} OD` : s.method;
  return `From the stain panel: ${s.preset}, ${s.channel ?? 'target channel'}, threshold ${threshold}, tissue ${s.detectTissue ? 'detected' : 'off'}`;
}
