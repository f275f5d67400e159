import { useState, type FormEvent } from 'react';
import type { StudyView } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { useNotices } from '../ui/notices';

/** Shown when the session's study folder holds no study yet. */
export function StartScreen({ onCreated }: { onCreated: (view: StudyView) => void }) {
  const { api } = useAppApi();
  const { showError } = useNotices();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const result = await api.createStudy({ name });
    setBusy(false);
    if (result.ok) onCreated(result.value);
    else showError('The study was not created', result.error);
  };

  return (
    <main className="start-screen" data-testid="start-screen">
      <form className="start-card" onSubmit={(e) => void submit(e)}>
        <h1>Create a study</h1>
        <p className="muted">
          A study holds your subjects, their biopsy timepoints and the imported images. Imported files are
          copied into the study folder; the originals are never changed.
        </p>
        <label className="field">
          <span>Study name</span>
          <input
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Microneedling pilot 2025"
            maxLength={200}
            data-testid="study-name-input"
          />
        </label>
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || name.trim() === ''}
          data-testid="create-study"
        >
          {busy ? 'Creating…' : 'Create study'}
        </button>
      </form>
    </main>
  );
}
