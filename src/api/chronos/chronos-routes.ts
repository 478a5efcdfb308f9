/**
 * Chronos's REST API (docs/docs/api.md), registered under both `/v1/scheduler` (Chronos 3) and
 * `/scheduler` (Chronos 2.x, what the npm `mesos` client calls), plus Drover's run history.
 * Routes see only the JobsApi port.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import { DroverError } from '../../domain/errors.js';
import type { JobDefinition } from '../../domain/job.js';
import { type JobKind, parseJob } from '../../domain/job-validate.js';
import { nonNegativeIntParam, oneValue, queryOf } from '../query-params.js';
import { csvGraph, dotGraph } from './graph.js';
import { jobView, lastState } from './job-view.js';
import { runView } from './run-view.js';
import { histogramView, runTimeSummary, statView } from './stat-view.js';

export const CHRONOS_PREFIXES = ['/v1/scheduler', '/scheduler'] as const;

/** Runs read for stats: the most recent ones (all of them for any job that ran under ~a week every minute). */
const STATS_HISTORY = 10_000;
const MAX_LIST = 10_000;
const MAX_TAIL_LINES = 100_000;

const PERCENTILES: Record<string, keyof ReturnType<typeof histogramView>> = {
  '99thPercentile': '99thPercentile',
  '98thPercentile': '98thPercentile',
  '95thPercentile': '95thPercentile',
  '75thPercentile': '75thPercentile',
  median: 'median',
  mean: 'mean',
};

export interface ChronosRouteContext {
  jobs: JobsApi;
}

export function registerChronosRoutes(app: FastifyInstance, ctx: ChronosRouteContext): void {
  // Chronos's /leader lives at the root; the prefixed ones are for clients that assume a base URL.
  app.get('/leader', async () => ({ leader: ctx.jobs.leader() }));
  for (const prefix of CHRONOS_PREFIXES) register(app, prefix, ctx.jobs);
}

function requireJob(jobs: JobsApi, name: string): JobDefinition {
  const job = jobs.getJob(name);
  if (!job) throw new DroverError('JOB_NOT_FOUND', `Job '${name}' not found`);
  return job;
}

function jobState(jobs: JobsApi, name: string): string {
  const active = jobs.jobState(name).active;
  const running = active.filter((r) => r.status === 'running').length;
  if (running > 0) return `${running} running`;
  return active.length > 0 ? 'queued' : 'idle';
}

const noContent = (reply: FastifyReply) => reply.code(204).send();

function register(app: FastifyInstance, p: string, jobs: JobsApi): void {
  const post = (kind: JobKind) => async (req: { body: unknown }, reply: FastifyReply) => {
    if (req.body === undefined) throw new DroverError('BAD_REQUEST', 'A job definition is required');
    await jobs.putJob(parseJob(req.body, kind));
    return noContent(reply);
  };
  app.post(`${p}/iso8601`, post('iso8601'));
  app.post(`${p}/dependency`, post('dependency'));
  // Chronos 3 also accepts PUT for updates on the same paths.
  app.put(`${p}/iso8601`, post('iso8601'));
  app.put(`${p}/dependency`, post('dependency'));

  app.get(`${p}/leader`, async () => ({ leader: jobs.leader() }));

  app.get(`${p}/jobs`, async () => jobs.listJobs().map(jobView));

  app.get(`${p}/jobs/summary`, async () => ({
    jobs: jobs.listJobs().map((j) => ({
      name: j.name,
      status: lastState(j),
      state: jobState(jobs, j.name),
      schedule: j.schedule ?? '',
      parents: j.parents,
      disabled: j.disabled,
    })),
  }));

  app.get(`${p}/jobs/search`, async (req) => {
    const q = queryOf(req.query);
    const name = oneValue(q, 'name')?.toLowerCase();
    const command = oneValue(q, 'command')?.toLowerCase();
    const any = oneValue(q, 'any')?.toLowerCase();
    const limit = nonNegativeIntParam(q, 'limit', MAX_LIST) ?? 10;
    const offset = nonNegativeIntParam(q, 'offset', MAX_LIST * 100) ?? 0;
    // Chronos's filter: name and command narrow; `any` brings back a job matching either field.
    // Alone, `any` filters (in Chronos it matched every job, which no caller meant).
    const matches = jobs.listJobs().filter((j) => {
      let valid = !(any && !name && !command);
      if (name && !j.name.toLowerCase().includes(name)) valid = false;
      if (command && !j.command.toLowerCase().includes(command)) valid = false;
      if (!valid && any && (j.name.toLowerCase().includes(any) || j.command.toLowerCase().includes(any)))
        valid = true;
      return valid;
    });
    return matches.slice(offset, offset + limit).map(jobView);
  });

  app.get(`${p}/job/:name`, async (req) => jobView(requireJob(jobs, (req.params as { name: string }).name)));

  app.delete(`${p}/job/:name`, async (req, reply) => {
    await jobs.deleteJob((req.params as { name: string }).name);
    return noContent(reply);
  });

  app.put(`${p}/job/:name`, async (req, reply) => {
    const { name } = req.params as { name: string };
    const args = oneValue(queryOf(req.query), 'arguments');
    await jobs.startJob(name, args ? args.split(/\s+/).filter((a) => a !== '') : undefined);
    return noContent(reply);
  });

  app.put(`${p}/job/success/:name`, async (req, reply) => {
    const { name } = req.params as { name: string };
    const ok = await jobs.markSuccess(name);
    return reply.type('text/plain; charset=utf-8').send(`marked job ${name} as successful: ${ok}`);
  });

  app.delete(`${p}/task/kill/:name`, async (req, reply) => {
    await jobs.killJobTasks((req.params as { name: string }).name);
    return noContent(reply);
  });

  app.get(`${p}/job/stat/:name`, async (req) => {
    const { name } = req.params as { name: string };
    requireJob(jobs, name);
    return statView(await jobs.listRuns(name, { limit: STATS_HISTORY }));
  });

  app.get(`${p}/stats/:percentile`, async (req) => {
    const { percentile } = req.params as { percentile: string };
    const key = PERCENTILES[percentile];
    if (!key)
      throw new DroverError(
        'BAD_REQUEST',
        `Unknown percentile '${percentile}': use ${Object.keys(PERCENTILES).join(', ')}`,
      );
    const rows: Array<{ jobNameLabel: string; time: number }> = [];
    for (const j of jobs.listJobs()) {
      const h = histogramView(runTimeSummary(await jobs.listRuns(j.name, { limit: STATS_HISTORY })));
      rows.push({ jobNameLabel: j.name, time: h[key]! / 1000 });
    }
    // Chronos: slowest first, seconds.
    return rows.sort((a, b) => b.time - a.time);
  });

  app.get(`${p}/graph/dot`, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(dotGraph(jobs.listJobs())),
  );

  app.get(`${p}/graph/csv`, async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(csvGraph(jobs.listJobs(), lastState, (j) => jobState(jobs, j.name))),
  );

  // ---- Drover extension: run history and run logs ----

  app.get(`${p}/job/:name/runs`, async (req) => {
    const { name } = req.params as { name: string };
    const q = queryOf(req.query);
    const limit = nonNegativeIntParam(q, 'limit', MAX_LIST) ?? 100;
    const before = oneValue(q, 'before');
    const runs = await jobs.listRuns(name, {
      limit,
      ...(before !== undefined ? { before: parseDueAt(before) } : {}),
    });
    const state = jobs.jobState(name);
    return {
      runs: runs.map(runView),
      nextDueAt: state.nextDueAt !== undefined ? new Date(state.nextDueAt).toISOString() : null,
    };
  });

  app.get(`${p}/job/:name/runs/:dueAt`, async (req) => {
    const { name, dueAt } = req.params as { name: string; dueAt: string };
    requireJob(jobs, name);
    const run = await jobs.getRun(name, parseDueAt(dueAt));
    if (!run) throw new DroverError('NOT_FOUND', `Job '${name}' has no run due at ${dueAt}`);
    return runView(run);
  });

  app.get(`${p}/job/:name/runs/:dueAt/logs`, async (req, reply) => {
    const { name, dueAt } = req.params as { name: string; dueAt: string };
    const q = queryOf(req.query);
    const stream = oneValue(q, 'stream') ?? 'stdout';
    if (stream !== 'stdout' && stream !== 'stderr')
      throw new DroverError(
        'BAD_REQUEST',
        `Query parameter 'stream' must be stdout or stderr, got '${stream}'`,
      );
    const tail = nonNegativeIntParam(q, 'tail', MAX_TAIL_LINES);
    const attempt = nonNegativeIntParam(q, 'attempt', 1000);
    const text = await jobs.readRunLog(name, parseDueAt(dueAt), stream, {
      ...(tail !== undefined ? { tail } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
    });
    return reply.type('text/plain; charset=utf-8').send(text);
  });
}

/** A run's due time in a path or query: epoch ms or an ISO time. */
function parseDueAt(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new DroverError('BAD_REQUEST', `'${text}' is not a due time (epoch ms or ISO time)`);
  return ms;
}
