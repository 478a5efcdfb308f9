/**
 * Chronos's read routes: GET /jobs, /jobs/summary, /jobs/search, /job/{name}, /job/stat/{name},
 * /stats/{percentile}, /graph/dot, /graph/csv and /leader, each in Chronos's exact shape.
 */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import { DroverError } from '../../domain/errors.js';
import { JSON_TYPE, ViewCache } from '../cached-view.js';
import { nonNegativeIntParam, oneValue } from '../query-params.js';
import type { NamedRoute, QueryRoute } from '../route-generics.js';
import { csvGraph, dotGraph } from './graph.js';
import { jobState, requireJob } from './job-lookup.js';
import { jobView, lastState } from './job-view.js';
import { histogramView, runTimeSummary, STATS_HISTORY, statView } from './stat-view.js';

const MAX_LIST = 10_000;

const PERCENTILES: Record<string, keyof ReturnType<typeof histogramView>> = {
  '99thPercentile': '99thPercentile',
  '98thPercentile': '98thPercentile',
  '95thPercentile': '95thPercentile',
  '75thPercentile': '75thPercentile',
  median: 'median',
  mean: 'mean',
};

export function registerJobReads(app: FastifyInstance, p: string, jobs: JobsApi): void {
  app.get(`${p}/leader`, async () => ({ leader: jobs.leader() }));

  const listCache = new ViewCache();
  app.get(`${p}/jobs`, async (req, reply) =>
    listCache.send(req, reply, {
      key: 'jobs',
      revision: jobs.viewRevision?.(),
      build: () => jobs.listJobs().map(jobView),
      type: JSON_TYPE,
    }),
  );

  // Chronos's JobSummary: `status` is the last outcome, `state` what runs now.
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

  app.get<QueryRoute>(`${p}/jobs/search`, async (req) => {
    const q = req.query;
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

  app.get<NamedRoute<'name'>>(`${p}/job/:name`, async (req) => jobView(requireJob(jobs, req.params.name)));

  app.get<NamedRoute<'name'>>(`${p}/job/stat/:name`, async (req) => {
    const { name } = req.params;
    requireJob(jobs, name);
    return statView(await jobs.listRuns(name, { limit: STATS_HISTORY }));
  });

  app.get<NamedRoute<'percentile'>>(`${p}/stats/:percentile`, async (req) => {
    const { percentile } = req.params;
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
}
