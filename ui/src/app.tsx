// The shell: navigation, the connection state, the login gate, and one route per object.
import { NavLink, Route, Routes } from 'react-router';
import { Can } from './components/can.js';
import { useLive } from './data/live.js';
import { AgentsPage } from './pages/agents.js';
import { AppCreatePage } from './pages/app-create.js';
import { AppRoute } from './pages/app-route.js';
import { AppsPage } from './pages/apps.js';
import { AuditPage } from './pages/audit.js';
import { DeploymentsPage } from './pages/deployments.js';
import { JobDetailPage } from './pages/job-detail.js';
import { JobEditPage } from './pages/job-edit.js';
import { JobsPage } from './pages/jobs.js';
import { LoginPage } from './pages/login.js';
import { NotFoundPage } from './pages/not-found.js';
import { OverviewPage } from './pages/overview.js';

const CONNECTION_WORDS = {
  connecting: { word: 'connecting', tone: 'busy' },
  live: { word: 'live', tone: 'ok' },
  reconnecting: { word: 'reconnecting', tone: 'wait' },
  closed: { word: 'disconnected', tone: 'bad' },
  unauthorized: { word: 'signed out', tone: 'bad' },
} as const;

export function App() {
  const { connection, unauthorized, signedIn, signOut, who } = useLive();
  const c = CONNECTION_WORDS[connection];
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/" className="brand" end>
          Drover
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/apps">Apps</NavLink>
          <NavLink to="/deployments">Deployments</NavLink>
          <NavLink to="/jobs">Jobs</NavLink>
          <NavLink to="/agents">Agents</NavLink>
          <Can do="audit.read">
            <NavLink to="/audit">Audit</NavLink>
          </Can>
        </nav>
        <span className={`badge tone-${c.tone} connection`} data-connection={connection} title="Event stream">
          <span className="dot" aria-hidden="true" />
          {c.word}
        </span>
        {who && who.name !== 'anonymous' && (
          <span className="muted who" data-testid="who" title="Signed in as">
            {who.name} · {who.role}
            {who.role === 'viewer' ? ' (read only)' : ''}
          </span>
        )}
        {signedIn && (
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main">
        {unauthorized ? (
          <LoginPage />
        ) : (
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/apps" element={<AppsPage />} />
            <Route path="/create/app" element={<AppCreatePage />} />
            <Route path="/apps/*" element={<AppRoute />} />
            <Route path="/deployments" element={<DeploymentsPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/create/job" element={<JobEditPage />} />
            <Route path="/jobs/:name/edit" element={<JobEditPage />} />
            <Route path="/jobs/:name" element={<JobDetailPage />} />
            <Route path="/jobs/:name/runs/:due" element={<JobDetailPage />} />
            <Route path="/agents" element={<AgentsPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        )}
      </main>
    </div>
  );
}
