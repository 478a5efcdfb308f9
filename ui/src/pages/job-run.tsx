import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../components/badge.js';
import { MonoId } from '../components/mono-id.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { Job, JobRun } from '../data/types.js';
import type { LogStream } from '../data/ui-api.js';
import { runStatus, taskStatus } from '../model/status.js';
import { duration } from '../model/time-words.js';

/** One run (`/jobs/<name>/runs/<due>`): its attempts, each with its stdout/stderr. */
export function RunDetail({ job, run, loading }: { job: Job; run: JobRun | undefined; loading: boolean }) {
  const back = `/jobs/${encodeURIComponent(job.name)}`;
  if (!run)
    return (
      <>
        <h1>Run of {job.name}</h1>
        <p className="muted">
          {loading ? 'Loading…' : 'No such run (it may be older than the history kept).'}
        </p>
        <Link to={back}>All runs</Link>
      </>
    );
  return (
    <>
      <div className="page-head">
        <h1>
          Run of <Link to={back}>{job.name}</Link> due {run.dueAt}
        </h1>
        <Badge status={runStatus(run.outcome)} />
      </div>
      <dl className="kv panel">
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Queue delay</dt>
        <dd>{duration(run.queueDelayMs)}</dd>
        <dt>Run time</dt>
        <dd>{duration(run.runTimeMs)}</dd>
        <dt>Exit code</dt>
        <dd className="mono">{run.exitCode ?? '–'}</dd>
        {run.message && (
          <>
            <dt>Message</dt>
            <dd>{run.message}</dd>
          </>
        )}
      </dl>
      {run.attempts.map((a) => (
        <section key={a.attempt} className="panel" aria-label={`Attempt ${a.attempt}`}>
          <div className="page-head">
            <h2 style={{ margin: 0, flex: 1 }}>Attempt {a.attempt}</h2>
            {a.state && <Badge status={taskStatus(a.state)} />}
            <MonoId value={a.taskId} max={24} />
          </div>
          <AttemptLog job={job.name} due={run.dueAtMs} attempt={a.attempt} />
        </section>
      ))}
    </>
  );
}

function AttemptLog({ job, due, attempt }: { job: string; due: number; attempt: number }) {
  const { api } = useLive();
  const [params, setParams] = useSearchParams();
  const key = `a${attempt}`;
  const stream: LogStream = params.get(key) === 'stderr' ? 'stderr' : 'stdout';
  const [text, setText] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api.runLog(job, due, attempt, stream).then(
      (t) => live && setText(t),
      (err) => live && setText(`(could not read: ${problemOf(err).message})`),
    );
    return () => {
      live = false;
    };
  }, [api, job, due, attempt, stream]);
  return (
    <>
      <div className="toolbar">
        {(['stdout', 'stderr'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={s === stream ? 'primary' : undefined}
            aria-pressed={s === stream}
            onClick={() => {
              const next = new URLSearchParams(params);
              next.set(key, s);
              setParams(next, { replace: true });
            }}
          >
            {s}
          </button>
        ))}
      </div>
      <pre className="log" data-testid={`attempt-log-${attempt}`}>
        {text === undefined ? 'Loading…' : text === '' ? `(${stream} is empty)` : text}
      </pre>
    </>
  );
}
