import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LabContext } from './context';
import { selectHost } from './host/select';
import { createLabStore } from './state/store';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
let host: ReturnType<typeof selectHost> | null = null;
try {
  host = selectHost();
} catch (e) {
  root.render(
    <p role="alert" className="error-text startup-error">
      {(e as Error).message}
    </p>,
  );
}
if (host) {
  const store = createLabStore(host);
  // Exposed for the end-to-end benchmark and debugging; the UI never reads it.
  (window as unknown as { __nnlab?: unknown }).__nnlab = store;
  window.addEventListener('beforeunload', () => store.getState().dispose());
  root.render(
    <StrictMode>
      <LabContext.Provider value={store}>
        <App />
      </LabContext.Provider>
    </StrictMode>,
  );
}
