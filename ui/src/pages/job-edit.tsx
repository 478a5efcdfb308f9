import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { schedulePreview } from '../../../src/client/job-schedule.js';
import { FieldErrors, ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, Job, JobInput } from '../data/types.js';
import { useResource } from '../data/use-resource.js';

interface JobFormValues {
  name: string;
  command: string;
  kind: 'schedule' | 'parents';
  schedule: string;
  scheduleTimeZone: string;
  parents: string;
  retries: string;
  cpus: string;
  mem: string;
  owner: string;
  description: string;
}

const FIELDS: Record<string, string> = {
  name: '/name',
  command: '/command',
  schedule: '/schedule',
  scheduleTimeZone: '/scheduleTimeZone',
  parents: '/parents',
  retries: '/retries',
  cpus: '/cpus',
  mem: '/mem',
  owner: '/owner',
};

function initialValues(job: Job | undefined): JobFormValues {
  const start = new Date(Date.now() + 3600_000);
  start.setUTCMinutes(0, 0, 0);
  return {
    name: job?.name ?? '',
    command: job?.command ?? '',
    kind: (job?.parents?.length ?? 0) > 0 ? 'parents' : 'schedule',
    schedule: job?.schedule || `R/${start.toISOString().replace('.000', '')}/PT1H`,
    scheduleTimeZone: job?.scheduleTimeZone ?? '',
    parents: (job?.parents ?? []).join(', '),
    retries: String(job?.retries ?? 2),
    cpus: String(job?.cpus ?? 0.1),
    mem: String(job?.mem ?? 32),
    owner: job?.owner ?? '',
    description: job?.description ?? '',
  };
}

export function JobEditPage() {
  const { name } = useParams();
  const jobs = useResource(['jobs'], (a) => a.jobs(), 'jobs');
  if (name !== undefined && !jobs.data) return <p className="muted">Loading {name}…</p>;
  const job = name === undefined ? undefined : jobs.data?.find((j) => j.name === name);
  if (name !== undefined && !job)
    return <ProblemView problem={{ status: 404, message: `Job '${name}' does not exist`, details: [] }} />;
  return <JobForm job={job} />;
}

function JobForm({ job }: { job: Job | undefined }) {
  const { api } = useLive();
  const navigate = useNavigate();
  const [v, setV] = useState(() => initialValues(job));
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const preview =
    v.kind === 'schedule' && v.schedule
      ? schedulePreview(v.schedule, v.scheduleTimeZone || undefined, Date.now())
      : undefined;
  const field = (k: keyof JobFormValues, label: string, props: Record<string, unknown> = {}) => (
    <label className={`field${problem?.details.some((d) => d.path === FIELDS[k]) ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input name={k} value={v[k]} onChange={(e) => setV({ ...v, [k]: e.target.value })} {...props} />
      <FieldErrors problem={problem} path={FIELDS[k] ?? ''} />
    </label>
  );
  return (
    <>
      <div className="page-head">
        <h1>{job ? `Edit ${job.name}` : 'Create a job'}</h1>
        {job && <Link to={`/jobs/${encodeURIComponent(job.name)}`}>Back to {job.name}</Link>}
      </div>
      <form
        className="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          const num = (t: string) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : t);
          const def: JobInput = {
            ...(job ?? {}),
            name: v.name.trim(),
            command: v.command,
            retries: num(v.retries) as number,
            cpus: num(v.cpus) as number,
            mem: num(v.mem) as number,
            owner: v.owner,
            description: v.description,
          };
          if (v.kind === 'schedule') {
            def.schedule = v.schedule.trim();
            def.scheduleTimeZone = v.scheduleTimeZone.trim();
            delete def.parents;
          } else {
            def.parents = v.parents
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean);
            delete def.schedule;
            delete def.scheduleTimeZone;
          }
          try {
            await api.saveJob(def);
            navigate(`/jobs/${encodeURIComponent(def.name)}`);
          } catch (err) {
            setProblem(problemOf(err));
          }
        }}
      >
        <div className="form-grid">
          {field('name', 'Name', { readOnly: job !== undefined, required: true })}
          {field('owner', 'Owner (e-mail)')}
        </div>
        {field('command', 'Command', { className: 'mono', required: true, placeholder: 'echo hello' })}
        <div role="radiogroup" aria-label="When it runs" className="toolbar">
          <label>
            <input
              type="radio"
              name="kind"
              checked={v.kind === 'schedule'}
              onChange={() => setV({ ...v, kind: 'schedule' })}
            />{' '}
            On a schedule
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              checked={v.kind === 'parents'}
              onChange={() => setV({ ...v, kind: 'parents' })}
            />{' '}
            After other jobs
          </label>
        </div>
        {v.kind === 'schedule' ? (
          <div className="form-grid">
            {field('schedule', 'Schedule (R[n]/start/period or cron)', { className: 'mono' })}
            {field('scheduleTimeZone', 'Time zone (IANA, empty = UTC)', { placeholder: 'Europe/Berlin' })}
          </div>
        ) : (
          field('parents', 'Parents (comma-separated job names)')
        )}
        {preview && (
          <p className={preview.error ? 'field-error' : 'muted'} data-testid="schedule-preview">
            {preview.error ??
              `${preview.words}; next: ${preview.next.map((t) => t.replace('T', ' ').replace(/\.\d+/, '')).join(', ')}`}
          </p>
        )}
        <div className="form-grid">
          {field('retries', 'Retries', { inputMode: 'numeric' })}
          {field('cpus', 'CPUs', { inputMode: 'decimal' })}
          {field('mem', 'Memory (MiB)', { inputMode: 'numeric' })}
        </div>
        {field('description', 'Description')}
        <ProblemView problem={problem} />
        <button type="submit" className="primary">
          {job ? 'Save' : 'Create'}
        </button>
      </form>
    </>
  );
}
