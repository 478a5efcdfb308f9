/**
 * Chronos's REST API (docs/docs/api.md), registered under both `/v1/scheduler` (Chronos 3) and
 * `/scheduler` (Chronos 2.x, what the npm `mesos` client calls), plus Drover's own job routes
 * (run history, run logs, run statistics) under the same prefixes. Routes see only the JobsApi
 * port. Every Chronos route answers exactly Chronos's shape; what Drover adds lives in
 * drover-runs.ts, never inside a Chronos response.
 */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import type { SecretVault } from '../../control-plane/secrets/secret-vault.js';
import { registerDroverRunRoutes } from './drover-runs.js';
import { registerJobReads } from './jobs-read.js';
import { registerJobWrites } from './jobs-write.js';
import { registerTaskRoutes } from './task-routes.js';

export const CHRONOS_PREFIXES = ['/v1/scheduler', '/scheduler'] as const;

export interface ChronosRouteContext {
  jobs: JobsApi;
  /** Where a job's `secrets.*.source` must exist (absent: secrets are off). */
  secrets?: Pick<SecretVault, 'has'>;
}

export function registerChronosRoutes(app: FastifyInstance, ctx: ChronosRouteContext): void {
  // Chronos's /leader lives at the root; the prefixed ones are for clients that assume a base URL.
  app.get('/leader', async () => ({ leader: ctx.jobs.leader() }));
  for (const prefix of CHRONOS_PREFIXES) {
    registerJobReads(app, prefix, ctx.jobs);
    registerJobWrites(app, prefix, ctx.jobs, ctx.secrets);
    registerTaskRoutes(app, prefix, ctx.jobs);
    registerDroverRunRoutes(app, prefix, ctx.jobs);
  }
}
