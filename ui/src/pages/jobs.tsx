import { Link, useSearchParams } from 'react-router';
import { schedulePreview } from '../../../src/client/job-schedule.js';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { JobGraphSvg } from '../components/job-graph-svg.js';
import { ProblemView } from '../components/problem-view.js';
import { RelTime } from '../components/rel-time.js';
import { TabNav, useTab } from '../components/tab-nav.js';
import type { Agent, Job } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { connectedJobs } from '../model/job-graph.js';
import { jobStatus } from '../model/status.js';

const TABS = [
  ['list', 'List'],
  ['graph', 'Dependency graph'],
] as const;

export function JobsPage() {
  const jobs = useResource(['jobs'], (a) => a.jobs(), 'jobs');
  const agents = useResource(['agents'], (a) => a.agents(), 'agents');
  const tab = useTab(['list', 'graph'] as const, 'list');
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const list = (jobs.data ?? []).filter((j) => j.name.toLowerCase().includes(search.toLowerCase()));
  const running = runningJobs(agents.data ?? []);
  return (
    <>
      <div className="page-head">
        <h1>Jobs</h1>
        <Can do="jobs.write">
          <Link className="button primary" to="/create/job">
            Create job
          </Link>
        </Can>
      </div>
      <TabNav tabs={TABS} current={tab} label="Jobs view" />
      <ProblemView problem={jobs.error} />
      {jobs.data && jobs.data.length === 0 ? (
        <div className="empty panel">
          No jobs yet. <Link to="/create/job">Create one</Link>, or:
          <code>
            curl -X POST localhost:8080/v1/scheduler/iso8601 -H 'Content-Type: application/json' -d '
            {'{"name":"hello","command":"echo hello","schedule":"R/2030-01-01T00:00:00Z/PT1M"}'}'
          </code>
        </div>
      ) : tab === 'graph' ? (
        <div className="panel" style={{ overflowX: 'auto' }}>
          <JobGraphSvg graph={connectedJobs(jobs.data ?? [], undefined)} />
        </div>
      ) : (
        <>
          <div className="toolbar">
            <input
              type="search"
              aria-label="Filter by name"
              placeholder="Filter by name"
              value={search}
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.value) next.set('search', e.target.value);
                else next.delete('search');
                setParams(next, { replace: true });
              }}
            />
          </div>
          <div className="panel table-scroll">
            <table className="plain stack" aria-label="Jobs">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Last</th>
                  <th>Schedule</th>
                  <th className="hide-narrow">Next runs</th>
                  <th className="hide-narrow">Last success / error</th>
                  <th className="hide-narrow">Runs ok / failed</th>
                </tr>
              </thead>
              <tbody>
                {list.map((j) => (
                  <JobRow key={j.name} job={j} running={running.has(j.name)} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

export function runningJobs(agents: Agent[]): Set<string> {
  return new Set(agents.flatMap((a) => a.tasks.flatMap((t) => (t.job ? [t.job] : []))));
}

function JobRow({ job, running }: { job: Job; running: boolean }) {
  const now = Date.now();
  const preview = job.schedule ? schedulePreview(job.schedule, job.scheduleTimeZone, now) : undefined;
  return (
    <tr data-job={job.name}>
      <td>
        <Link to={`/jobs/${encodeURIComponent(job.name)}`} className="mono">
          {job.name}
        </Link>
      </td>
      <td>
        <Badge
          status={
            running
              ? { word: 'running', tone: 'busy' }
              : jobStatus(job.lastSuccess, job.lastError, job.disabled)
          }
        />
      </td>
      <td data-label="Schedule">
        {preview ? (
          <span title={job.schedule}>{preview.error ?? preview.words}</span>
        ) : (
          <span>after {(job.parents ?? []).join(', ')}</span>
        )}
      </td>
      <td className="hide-narrow mono" style={{ fontSize: 12 }}>
        {preview?.next.map((t) => (
          <div key={t}>{t.replace('T', ' ').replace(/\.\d+/, '')}</div>
        ))}
        {preview && preview.next.length > 0 && <div className="muted">{preview.zone}</div>}
      </td>
      <td className="hide-narrow">
        <RelTime iso={job.lastSuccess || null} /> / <RelTime iso={job.lastError || null} />
      </td>
      <td className="hide-narrow">
        {job.successCount ?? 0} / {job.errorCount ?? 0}
      </td>
    </tr>
  );
}
