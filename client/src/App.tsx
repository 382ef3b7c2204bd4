import { lazy, Suspense, useEffect, useState } from 'react';
import { NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { logout } from './api.js';
import { deviceUser, onUserChange } from './session.js';
import { HomePage } from './pages/HomePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { FieldworkPage } from './interview/FieldworkPage.js';
import { InterviewPage } from './interview/InterviewPage.js';
import { ReviewListPage, ReviewPage } from './review/ReviewPage.js';
// Analysts' pages load on demand: the charting library stays out of the enumerators' offline bundle.
const MonitoringPage = lazy(() => import('./analysis/MonitoringPage.js').then((m) => ({ default: m.MonitoringPage })));
const WorkspacePage = lazy(() => import('./analysis/WorkspacePage.js').then((m) => ({ default: m.WorkspacePage })));

/** Layout and routes of the web app. */
export function App() {
  const navigate = useNavigate();
  const [user, setUser] = useState(deviceUser());
  useEffect(() => onUserChange(() => setUser(deviceUser())), []);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">mdsurvey</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/fieldwork">Fieldwork</NavLink>
          <NavLink to="/review">Review</NavLink>
          {user && ['admin', 'statistician', 'analyst'].includes(user.role) && <NavLink to="/workspace">Workspace</NavLink>}
          {user && ['admin', 'statistician', 'analyst'].includes(user.role) && <NavLink to="/monitoring">Monitoring</NavLink>}
          {user ? (
            <button
              type="button"
              className="link"
              onClick={() =>
                void logout()
                  .catch(() => undefined)
                  .finally(() => navigate('/login'))
              }
            >
              Sign out ({user.username})
            </button>
          ) : (
            <NavLink to="/login">Sign in</NavLink>
          )}
        </nav>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/fieldwork" element={<FieldworkPage />} />
          <Route path="/surveys/:surveyId/interviews/:instanceId" element={<InterviewPage />} />
          <Route path="/review" element={<ReviewListPage />} />
          <Route path="/review/:surveyId/:instanceId" element={<ReviewPage />} />
          <Route
            path="/workspace"
            element={
              <Suspense fallback={<p role="status">Loading the workspace…</p>}>
                <WorkspacePage />
              </Suspense>
            }
          />
          <Route
            path="/monitoring"
            element={
              <Suspense fallback={<p role="status">Loading the monitoring page…</p>}>
                <MonitoringPage />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </div>
  );
}
