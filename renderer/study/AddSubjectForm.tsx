import { useState, type FormEvent } from 'react';
import { useAppApi } from '../api/api-context';
import { useNotices } from '../ui/notices';

export function AddSubjectForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const { api } = useAppApi();
  const { showError } = useNotices();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const result = await api.addSubject({ code });
    setBusy(false);
    if (!result.ok) return showError('Subject not added', result.error);
    setCode('');
    await onAdded();
  };

  return (
    <form className="add-subject" onSubmit={(e) => void submit(e)}>
      <label className="field field-inline">
        <span>New subject</span>
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="Pseudonymous code, e.g. S01"
          maxLength={64}
          data-testid="subject-code-input"
        />
      </label>
      <button
        type="submit"
        className="button button-primary button-small"
        disabled={busy || code.trim() === ''}
        data-testid="add-subject"
      >
        Add subject
      </button>
    </form>
  );
}
