/**
 * Chronos's task routes: DELETE /task/kill/{name} (every task of a job), PUT /task/{taskId}
 * (an async job's completion callback, `{"statusCode": 0|1}`) and POST
 * /job/{name}/task/{taskId}/progress (`{"numAdditionalElementsProcessed": n}`). Task ids are
 * `ct:<due>:<attempt>:<job>:<arguments>`, URL-encoded in the path as Chronos's docs advise.
 */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import { DroverError } from '../../domain/errors.js';
import type { NamedRoute } from '../route-generics.js';

const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

function bodyField(body: unknown, field: string, what: string): number {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new DroverError('BAD_REQUEST', `'${field}' must be ${what}`, [
      { path: `/${field}`, errors: [`expected ${what}`] },
    ]);
  return v;
}

export function registerTaskRoutes(app: FastifyInstance, p: string, jobs: JobsApi): void {
  app.delete<NamedRoute<'name'>>(`${p}/task/kill/:name`, async (req, reply) => {
    await jobs.killJobTasks(req.params.name);
    return reply.code(204).send();
  });

  app.put<NamedRoute<'taskId'>>(`${p}/task/:taskId`, async (req, reply) => {
    const { taskId } = req.params;
    await jobs.completeTask(taskId, bodyField(req.body, 'statusCode', 'an integer (0 = success)'));
    return reply.code(204).send();
  });

  app.post<NamedRoute<'name' | 'taskId'>>(`${p}/job/:name/task/:taskId/progress`, async (req, reply) => {
    const { name, taskId } = req.params;
    const n = bodyField(req.body, 'numAdditionalElementsProcessed', 'a non-negative integer');
    if (n < 0 || n > MAX_ELEMENTS)
      throw new DroverError('BAD_REQUEST', `numAdditionalElementsProcessed (${n}) is not positive`, [
        { path: '/numAdditionalElementsProcessed', errors: ['expected a non-negative integer'] },
      ]);
    await jobs.addTaskProgress(name, taskId, n);
    return reply.code(204).send();
  });
}
