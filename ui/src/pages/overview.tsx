import { useMemo } from 'react';
import { Link } from 'react-router';
import { Badge } from '../components/badge.js';
import { EventFeed } from '../components/event-feed.js';
import { ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { useResource } from '../data/use-resource.js';
import { clusterSummary } from '../model/cluster-summary.js';
import { plural } from '../model/plural.js';

export function OverviewPage() {
  const { connection, eventsSeen } = useLive();
  const apps = useResource(['apps'], (api) => api.apps(), 'apps');
  const agents = useResource(['agents'], (api) => api.agents(), 'agents');
  const queue = useResource(['queue'], (api) => api.queue(), 'queue');
  const jobs = useResource(['jobs'], (api) => api.jobs(), 'jobs');
  // The stream re-renders this page with every batch of events (its feed and count); the summary
  // over 1,000 apps is only recomputed when a read answered (or the minute changed, for "24 h").
  const minute = Math.floor(Date.now() / 60_000);
  const s = useMemo(
    () =>
      clusterSummary(apps.data ?? [], agents.data ?? [], queue.data ?? [], jobs.data ?? [], minute * 60_000),
    [apps.data, agents.data, queue.data, jobs.data, minute],
  );
  return (
    <>
      <div className="page-head">
        <h1>Overview</h1>
      </div>
      <ProblemView problem={apps.error ?? agents.error} />
      <section className="cards" aria-label="Cluster summary">
        <div className="card">
          <div className="label">Agents up</div>
          <div className="big">
            {s.agentsUp} / {s.agentsTotal}
          </div>
          {s.agentsDraining > 0 && <Badge status={{ word: `${s.agentsDraining} draining`, tone: 'wait' }} />}
        </div>
        <div className="card">
          <div className="label">CPUs used</div>
          <div className="big">
            {fmt(s.cpusUsed)} / {fmt(s.cpusTotal)}
          </div>
        </div>
        <div className="card">
          <div className="label">Memory used</div>
          <div className="big">
            {mb(s.memUsed)} / {mb(s.memTotal)}
          </div>
        </div>
        <Link className="card" to="/apps" style={{ textDecoration: 'none', color: 'inherit' }}>
          <div className="label">Apps</div>
          <div className="big">{s.apps.total}</div>
          <div className="status-words">
            <Badge status={{ word: `${s.apps.running} running`, tone: 'ok' }} />{' '}
            {s.apps.deploying > 0 && (
              <Badge status={{ word: `${s.apps.deploying} deploying`, tone: 'busy' }} />
            )}{' '}
            {s.apps.waiting > 0 && <Badge status={{ word: `${s.apps.waiting} waiting`, tone: 'wait' }} />}{' '}
            {s.apps.delayed > 0 && <Badge status={{ word: `${s.apps.delayed} delayed`, tone: 'wait' }} />}{' '}
            {s.apps.unhealthy > 0 && (
              <Badge status={{ word: `${s.apps.unhealthy} unhealthy`, tone: 'bad' }} />
            )}{' '}
            {s.apps.suspended > 0 && (
              <Badge status={{ word: `${s.apps.suspended} suspended`, tone: 'off' }} />
            )}
          </div>
        </Link>
        <Link className="card" to="/jobs" style={{ textDecoration: 'none', color: 'inherit' }}>
          <div className="label">Jobs</div>
          <div className="big">{s.jobs.total}</div>
          <Badge status={{ word: `${s.jobs.running} running`, tone: 'busy' }} />{' '}
          <Badge
            status={{
              word: `${s.jobs.failed24h} failed in 24 h`,
              tone: s.jobs.failed24h > 0 ? 'bad' : 'off',
            }}
          />
        </Link>
      </section>
      <section className="panel" aria-label="Live events">
        <div className="page-head">
          <h2 style={{ margin: 0, flex: 1 }}>Live events</h2>
          <span className="muted" data-testid="events-seen">
            {plural(eventsSeen, 'event')} since this page opened · stream {connection}
          </span>
        </div>
        <EventFeed />
      </section>
    </>
  );
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();
const mb = (n: number) => (n >= 1024 ? `${(n / 1024).toFixed(1)} GiB` : `${Math.round(n)} MiB`);
