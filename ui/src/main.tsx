import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.js';
import { LiveProvider } from './data/live.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter basename="/ui">
        <LiveProvider>
          <App />
        </LiveProvider>
      </BrowserRouter>
    </StrictMode>,
  );
}
