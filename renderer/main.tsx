import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ApiContext } from './api/api-context';
import { connectAppApi } from './api/client';
import { NoticeProvider } from './ui/notices';
import './styles/base.css';
import './styles/study.css';
import './styles/pair.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={connectAppApi()}>
      <NoticeProvider>
        <App />
      </NoticeProvider>
    </ApiContext.Provider>
  </StrictMode>,
);
