import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LabContext } from './context';
import { selectHost } from './host/select';
import { createLabStore } from './state/store';
import './styles.css';

const store = createLabStore(selectHost());
// Exposed for the end-to-end benchmark and debugging; the UI never reads it.
(window as unknown as { __nnlab?: unknown }).__nnlab = store;
window.addEventListener('beforeunload', () => store.getState().dispose());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LabContext.Provider value={store}>
      <App />
    </LabContext.Provider>
  </StrictMode>,
);
