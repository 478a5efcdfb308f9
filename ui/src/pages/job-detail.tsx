import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { schedulePreview } from '../../../src/client/job-schedule.js';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { Confirm } from '../components/confirm.js';
import { JobGraphSvg } from '../components/job-graph-svg.js';
import { ProblemView } from '../components/problem-view.js';
import { RelTime } from '../components/rel-time.js';
import { RunChart } from '../components/run-chart.js';
import { TabNav, useTab } from '../components/tab-nav.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, Job, JobRun } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { connectedJobs } from '../model/job-graph.js';
import { jobStatus, runStatus } from '../model/status.js';
import { duration } from '../model/time-words.js';
import { RunDetail } from './job-run.js';

const TABS = [
  ['runs', 'Runs'],
  ['chart', 'Run times'],
  ['graph', 'Dependencies'],
  ['config', 'Configuration'],
] as const;
type Tab = (typeof TABS)[number][0];

type Ask = 'run' | 'delete' | 'toggle';

const ACTIVE_RUN = new Set(['queued', 'running', 'retrying']);
// Runs change through job_run_* events; this slow re-read only catches what has no event (an
// attempt's TASK_RUNNING stamp) and covers a stream that is down.
const FALLBACK_REFRESH_MS = 15_000;

export function JobDetailPage() {
  const { name = '', due } = useParams();
  const { api, connection } = useLive();
  const navigate = useNavigate();
  const tab = useTab<Tab>(
    TABS.map((t) => t[0]),
    'runs',
  );
  const jobs = useResource(['jobs'], (a) => a.jobs(), 'jobs');
  const runs = useResource(['jobs'], (a) => a.jobRuns(name, 200), `runs:${name}`);
  const [ask, setAsk] = useState<Ask | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [note, setNote] = useState('');
  const job = jobs.data?.find((j) => j.name === name);
  const active = (runs.data?.runs ?? []).some((r) => ACTIVE_RUN.has(r.outcome));
  const { reload: reloadRuns } = runs;
  const { reload: reloadJobs } = jobs;
  useEffect(() => {
    if (!active && connection === 'live') return;
    const timer = setInterval(() => {
      reloadRuns();
      reloadJobs();
    }, FALLBACK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, connection, reloadRuns, reloadJobs]);
  if (jobs.data && !job)
    return (
      <>
        <h1>Job {name}</h1>
        <ProblemView problem={{ status: 404, message: `Job '${name}' does not exist`, details: [] }} />
        <Link to="/jobs">All jobs</Link>
      </>
    );
  if (!job) return <p className="muted">Loading {name}…</p>;
  if (due !== undefined) {
    const run = runs.data?.runs.find((r) => String(r.dueAtMs) === due);
    return <RunDetail job={job} run={run} loading={runs.loading} />;
  }
  const act = async () => {
    const what = ask;
    setAsk(undefined);
    setProblem(undefined);
    try {
      if (what === 'run') {
        await api.runJob(job.name);
        setNote(`${job.name} started: the run appears below as soon as it is recorded.`);
      } else if (what === 'delete') {
        await api.deleteJob(job.name);
        navigate('/jobs');
      } else if (what === 'toggle') {
        await api.saveJob({ ...job, disabled: !job.disabled });
        setNote(job.disabled ? `${job.name} enabled.` : `${job.name} disabled: it will not run on schedule.`);
      }
      jobs.reload();
      runs.reload();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  const preview = job.schedule ? schedulePreview(job.schedule, job.scheduleTimeZone, Date.now()) : undefined;
  const list = runs.data?.runs ?? [];
  return (
    <>
      <div className="page-head">
        <h1 className="mono">{job.name}</h1>
        <Badge status={jobStatus(job.lastSuccess, job.lastError, job.disabled)} />
      </div>
      <Can do="jobs.write">
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => setAsk('run')}>
            Run now
          </button>
          <Link className="button" to={`/jobs/${encodeURIComponent(job.name)}/edit`}>
            Edit
          </Link>
          <button type="button" onClick={() => setAsk('toggle')}>
            {job.disabled ? 'Enable' : 'Disable'}
          </button>
          <button type="button" className="danger" onClick={() => setAsk('delete')}>
            Delete
          </button>
        </div>
      </Can>
      <div className="panel">
        {preview ? (
          <>
            <p style={{ margin: 0 }}>
              Runs <strong>{preview.error ?? preview.words}</strong>{' '}
              <span className="muted mono">({job.schedule})</span>
            </p>
            {preview.next.length > 0 && (
              <p style={{ margin: '4px 0 0' }} data-testid="next-runs">
                Next ({preview.zone}):{' '}
                {preview.next.map((t) => (
                  <code key={t} style={{ marginRight: 8 }}>
                    {t.replace('T', ' ').replace(/\.\d+/, '')}
                  </code>
                ))}
              </p>
            )}
          </>
        ) : (
          <p style={{ margin: 0 }}>
            Runs after{' '}
            {(job.parents ?? []).map((p, i, all) => (
              <span key={p}>
                {i === 0 ? '' : i === all.length - 1 ? ' and ' : ', '}
                <Link to={`/jobs/${encodeURIComponent(p)}`}>{p}</Link>
              </span>
            ))}{' '}
            {(job.parents ?? []).length === 1 ? 'succeeds' : 'succeed'}.
          </p>
        )}
      </div>
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      <ProblemView problem={problem ?? runs.error} />
      {ask && (
        <Confirm
          title={
            ask === 'run'
              ? `Run ${job.name} now?`
              : ask === 'delete'
                ? `Delete ${job.name}?`
                : `${job.disabled ? 'Enable' : 'Disable'} ${job.name}?`
          }
          confirmLabel={
            ask === 'run'
              ? `Run ${job.name}`
              : ask === 'delete'
                ? `Delete ${job.name}`
                : job.disabled
                  ? `Enable ${job.name}`
                  : `Disable ${job.name}`
          }
          danger={ask === 'delete'}
          onCancel={() => setAsk(undefined)}
          onConfirm={act}
        >
          <p>
            {ask === 'run'
              ? 'Starts one run outside the schedule; jobs that depend on it run after it succeeds.'
              : ask === 'delete'
                ? 'Removes the job and its schedule; its dependent jobs lose this parent.'
                : job.disabled
                  ? 'The schedule takes effect again.'
                  : 'No scheduled runs until enabled again; Run now still works.'}
          </p>
        </Confirm>
      )}
      <TabNav tabs={TABS} current={tab} label="Job" />
      {tab === 'runs' && <RunTable job={job} runs={list} />}
      {tab === 'chart' && (
        <div className="panel">
          <RunChart runs={list} />
        </div>
      )}
      {tab === 'graph' && (
        <div className="panel" style={{ overflowX: 'auto' }}>
          <JobGraphSvg graph={connectedJobs(jobs.data ?? [], job.name)} current={job.name} />
        </div>
      )}
      {tab === 'config' && <pre className="log">{JSON.stringify(job, null, 2)}</pre>}
    </>
  );
}

function RunTable({ job, runs }: { job: Job; runs: JobRun[] }) {
  if (runs.length === 0) return <p className="empty panel">No runs yet. Run now starts one.</p>;
  return (
    <div className="panel table-scroll">
      <table className="plain stack" aria-label="Run history">
        <thead>
          <tr>
            <th>Due</th>
            <th>Outcome</th>
            <th className="hide-narrow">Queue delay</th>
            <th>Run time</th>
            <th className="hide-narrow">Attempts</th>
            <th className="hide-narrow">Exit</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.dueAtMs} data-run={r.dueAtMs}>
              <td>
                <Link to={`/jobs/${encodeURIComponent(job.name)}/runs/${r.dueAtMs}`}>
                  <RelTime iso={r.dueAt} />
                </Link>{' '}
                {r.trigger !== 'schedule' && <span className="muted">({r.trigger})</span>}
              </td>
              <td data-label="Outcome">
                <Badge status={runStatus(r.outcome)} />{' '}
                {r.skipReason && <span className="muted">{r.skipReason}</span>}
              </td>
              <td className="hide-narrow">{duration(r.queueDelayMs)}</td>
              <td data-label="Run time">{duration(r.runTimeMs)}</td>
              <td className="hide-narrow">{r.attempt}</td>
              <td className="hide-narrow mono">{r.exitCode ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
