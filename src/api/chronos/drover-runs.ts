/**
 * Drover's own job routes (not Chronos's): run history, one run, a run attempt's sandbox log, and
 * run statistics with queue delay kept apart from run time. They sit under the Chronos prefixes
 * but never change a Chronos response.
 */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import { DroverError } from '../../domain/errors.js';
import { nonNegativeIntParam, oneValue } from '../query-params.js';
import type { NamedRoute } from '../route-generics.js';
import { requireJob } from './job-lookup.js';
import { runView } from './run-view.js';
import { droverStatsView, STATS_HISTORY } from './stat-view.js';

const MAX_LIST = 10_000;
const MAX_TAIL_LINES = 100_000;

export function registerDroverRunRoutes(app: FastifyInstance, p: string, jobs: JobsApi): void {
  app.get<NamedRoute<'name'>>(`${p}/job/:name/runs`, async (req) => {
    const { name } = req.params;
    const q = req.query;
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

  // Drover's statistics: run time and queue delay histograms (ms) from stored history.
  app.get<NamedRoute<'name'>>(`${p}/job/:name/stats`, async (req) => {
    const { name } = req.params;
    requireJob(jobs, name);
    return droverStatsView(name, await jobs.listRuns(name, { limit: STATS_HISTORY }));
  });

  app.get<NamedRoute<'name' | 'dueAt'>>(`${p}/job/:name/runs/:dueAt`, async (req) => {
    const { name, dueAt } = req.params;
    requireJob(jobs, name);
    const run = await jobs.getRun(name, parseDueAt(dueAt));
    if (!run) throw new DroverError('NOT_FOUND', `Job '${name}' has no run due at ${dueAt}`);
    return runView(run);
  });

  app.get<NamedRoute<'name' | 'dueAt'>>(`${p}/job/:name/runs/:dueAt/logs`, async (req, reply) => {
    const { name, dueAt } = req.params;
    const q = req.query;
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
