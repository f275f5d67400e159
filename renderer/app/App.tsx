import { useStudy } from './use-study';
import { useRoute } from './route';
import { StartScreen } from '../study/StartScreen';
import { StudyScreen } from '../study/StudyScreen';
import { PairScreen } from '../viewer/PairScreen';
import { ResultsScreen } from '../results/ResultsScreen';
import { AppHeader } from './AppHeader';
import { useDropGuard } from './use-drop-guard';

export function App() {
  const { state, refresh, setView } = useStudy();
  const [route, navigate] = useRoute();
  useDropGuard();

  if (state.status === 'loading') {
    return (
      <div className="app-shell">
        <AppHeader />
        <p className="screen-message" data-testid="loading">
          Opening the study…
        </p>
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <div className="app-shell">
        <AppHeader />
        <div className="screen-message screen-error" role="alert" data-testid="study-error">
          <h2>The study could not be opened</h2>
          <p>{state.error.message}</p>
          <button type="button" className="button" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (!state.view) {
    return (
      <div className="app-shell">
        <AppHeader />
        <StartScreen onCreated={setView} />
      </div>
    );
  }
  const view = state.view;
  return (
    <div className="app-shell">
      <AppHeader study={view.study} />
      {route.screen === 'pair' ? (
        <PairScreen
          view={view}
          beforeId={route.beforeId}
          afterId={route.afterId}
          onBack={() => navigate({ screen: 'study' })}
        />
      ) : route.screen === 'results' ? (
        <ResultsScreen view={view} onBack={() => navigate({ screen: 'study' })} />
      ) : (
        <StudyScreen
          view={view}
          refresh={refresh}
          onOpenPair={(beforeId, afterId) => navigate({ screen: 'pair', beforeId, afterId })}
          onOpenResults={() => navigate({ screen: 'results' })}
        />
      )}
    </div>
  );
}
