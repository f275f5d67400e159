import { useEffect } from 'react';
import type { StudyInfo } from '../../shared/domain';

export function AppHeader({ study }: { study?: StudyInfo }) {
  const studyName = study?.name;
  useEffect(() => {
    document.title = studyName ? `${studyName} · DermaQuant` : 'DermaQuant';
  }, [studyName]);
  return (
    <header className="app-header">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        DermaQuant
      </span>
      {study && (
        <span className="study-title" data-testid="study-title">
          <span className="study-name">{study.name}</span>
          <span className="study-dir" title={study.dir}>
            {study.dir}
          </span>
          {study.readOnly && (
            <span
              className="badge badge-warning"
              title="The study folder cannot be written: changes are refused."
            >
              Read-only
            </span>
          )}
        </span>
      )}
    </header>
  );
}
