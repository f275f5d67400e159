import type { StudyView } from '../../shared/domain';
import { PairView } from './PairView';
import type { PairImage } from './ViewerPane';

function findImage(view: StudyView, imageId: number): PairImage | null {
  for (const subject of view.subjects) {
    for (const timepoint of subject.timepoints) {
      const record = timepoint.images.find((image) => image.id === imageId);
      if (record) return { record, subject, timepoint };
    }
  }
  return null;
}

/** Resolves the pair named in the URL against the study; a stale link gets a clear message. */
export function PairScreen(props: {
  view: StudyView;
  beforeId: number;
  afterId: number;
  onBack: () => void;
}) {
  const before = findImage(props.view, props.beforeId);
  const after = findImage(props.view, props.afterId);
  if (!before || !after) {
    return (
      <main className="screen-message screen-error" role="alert" data-testid="pair-missing">
        <h2>These images are not in the study</h2>
        <p>
          Image {!before ? props.beforeId : props.afterId} was not found in {props.view.study.name}. Go back
          to the study and choose the pair again.
        </p>
        <button type="button" className="button" onClick={props.onBack}>
          Back to the study
        </button>
      </main>
    );
  }
  // Keyed by the pair so a different pair starts with fresh cameras (fitted), not the last pair's view.
  return (
    <PairView
      key={`${before.record.id}-${after.record.id}`}
      before={before}
      after={after}
      onBack={props.onBack}
    />
  );
}
