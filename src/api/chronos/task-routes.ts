/** Chronos's task routes: DELETE /task/kill/{name} (every task of a job). */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';

export function registerTaskRoutes(app: FastifyInstance, p: string, jobs: JobsApi): void {
  app.delete(`${p}/task/kill/:name`, async (req, reply) => {
    await jobs.killJobTasks((req.params as { name: string }).name);
    return reply.code(204).send();
  });
}
