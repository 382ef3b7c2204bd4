import { lazy, Suspense, useEffect, useState, type ReactElement } from 'react';
import { Link, NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { logout, type User } from './api.js';
import { UsersPage } from './admin/UsersPage.js';
import { SurveySetupPage, SurveysPage } from './admin/SurveysPage.js';
import { ProgressPage } from './admin/ProgressPage.js';
import { SamplePage } from './admin/SamplePage.js';
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

/** Which roles use which page (what the server lets them do there; the server still checks every call). */
const PAGES = {
  fieldwork: ['admin', 'supervisor', 'enumerator'],
  review: ['admin', 'statistician', 'supervisor'],
  workspace: ['admin', 'statistician', 'analyst'],
  monitoring: ['admin', 'statistician', 'analyst'],
  users: ['admin'],
  surveys: ['admin', 'statistician'],
  progress: ['admin', 'statistician', 'supervisor'],
  sample: ['admin', 'statistician', 'supervisor'],
} as const satisfies Record<string, readonly User['role'][]>;
type Page = keyof typeof PAGES;
const PAGE_NAMES: Record<Page, string> = {
  fieldwork: 'Fieldwork',
  review: 'Review',
  workspace: 'Workspace',
  monitoring: 'Monitoring',
  users: 'Users',
  surveys: 'Surveys',
  progress: 'Progress',
  sample: 'Sample and weights',
};

function may(user: { role: string } | null, page: Page): boolean {
  return !!user && (PAGES[page] as readonly string[]).includes(user.role);
}

/** A page for the roles that use it; another role is told whose page it is (a 403 is not an outage), nobody signed in is sent to sign in. */
function Only({ page, user, element }: { page: Page; user: { role: string } | null; element: ReactElement }) {
  if (!user)
    return (
      <p>
        <Link to="/login">Sign in</Link> to open {PAGE_NAMES[page]}.
      </p>
    );
  if (!may(user, page))
    return (
      <p role="alert" data-testid="not-for-role">
        {PAGE_NAMES[page]} is for {PAGES[page].join(', ')}; you are signed in as {user.role}.
      </p>
    );
  return element;
}

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
          {may(user, 'surveys') && <NavLink to="/surveys">Surveys</NavLink>}
          {may(user, 'fieldwork') && <NavLink to="/fieldwork">Fieldwork</NavLink>}
          {may(user, 'sample') && <NavLink to="/sample">Sample</NavLink>}
          {may(user, 'progress') && <NavLink to="/progress">Progress</NavLink>}
          {may(user, 'review') && <NavLink to="/review">Review</NavLink>}
          {may(user, 'workspace') && <NavLink to="/workspace">Workspace</NavLink>}
          {may(user, 'monitoring') && <NavLink to="/monitoring">Monitoring</NavLink>}
          {may(user, 'users') && <NavLink to="/admin/users">Users</NavLink>}
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
          <Route path="/fieldwork" element={<Only page="fieldwork" user={user} element={<FieldworkPage />} />} />
          <Route path="/surveys/:surveyId/interviews/:instanceId" element={<Only page="fieldwork" user={user} element={<InterviewPage />} />} />
          <Route path="/review" element={<Only page="review" user={user} element={<ReviewListPage />} />} />
          <Route path="/review/:surveyId/:instanceId" element={<Only page="review" user={user} element={<ReviewPage />} />} />
          <Route path="/admin/users" element={<Only page="users" user={user} element={<UsersPage />} />} />
          <Route path="/progress" element={<Only page="progress" user={user} element={<ProgressPage />} />} />
          <Route path="/sample" element={<Only page="sample" user={user} element={<SamplePage />} />} />
          <Route path="/surveys" element={<Only page="surveys" user={user} element={<SurveysPage />} />} />
          <Route path="/surveys/:surveyId/setup" element={<Only page="surveys" user={user} element={<SurveySetupPage />} />} />
          <Route
            path="/workspace"
            element={
              <Only
                page="workspace"
                user={user}
                element={
                  <Suspense fallback={<p role="status">Loading the workspace…</p>}>
                    <WorkspacePage />
                  </Suspense>
                }
              />
            }
          />
          <Route
            path="/monitoring"
            element={
              <Only
                page="monitoring"
                user={user}
                element={
                  <Suspense fallback={<p role="status">Loading the monitoring page…</p>}>
                    <MonitoringPage />
                  </Suspense>
                }
              />
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </div>
  );
}
