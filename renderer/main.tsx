// Entry point: pick the bridge (Electron's preload or the browser preview),
// build the store over it and render the app.
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { chooseBridge, partsInFlightFor } from './bridge/index.ts';
import { checkLocally } from './lib/local-check.ts';
import { createAppStore } from './store/app-store.ts';
import { StoreProvider } from './store/context.tsx';

// nhsuk-frontend styles some components only when it knows script runs (it
// normally sets this class from an inline script, which our CSP forbids).
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

const bridge = chooseBridge();
const store = createAppStore<File>({ bridge, checkLocally, partsInFlight: partsInFlightFor(bridge) });

createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
