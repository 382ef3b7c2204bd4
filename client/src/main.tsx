import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { RE2JS } from 're2js';
import geodesic from 'geographiclib-geodesic';
import { App } from './App.js';
import { provideExpressionLibraries } from '../../questionnaires/expressions/functions.js';
import './styles.css';

// The expression language's regex() and distance()/area() in the browser (Node loads them on first use).
provideExpressionLibraries({ re2js: { RE2JS }, geodesic });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
