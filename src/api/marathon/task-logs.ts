/**
 * Drover extension: `GET /v2/tasks/{taskId}/logs?stream=stdout|stderr&tail=N`, a task's sandbox
 * output as text/plain, read from its agent. Marathon sends users to the Mesos UI for this.
 * A task that ended recently (a failed one above all) is no longer in /v2/tasks, but its logs
 * are still served: the master knows which agent ran it (MasterApi.readTaskLog), 404 otherwise.
 */
import type { FastifyInstance } from 'fastify';
import type { LogStream } from '../../domain/agent-protocol.js';
import { DroverError } from '../../domain/errors.js';
import { nonNegativeIntParam, oneValue } from '../query-params.js';
import type { NamedRoute } from '../route-generics.js';
import type { RouteContext } from './route-context.js';

/** A bound so one request cannot ask an agent for an unbounded read. */
export const MAX_TAIL_LINES = 100_000;

export function registerTaskLogRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<NamedRoute<'taskId'>>('/v2/tasks/:taskId/logs', async (req, reply) => {
    const q = req.query;
    const stream = oneValue(q, 'stream') ?? 'stdout';
    if (stream !== 'stdout' && stream !== 'stderr') {
      throw new DroverError(
        'BAD_REQUEST',
        `Query parameter 'stream' must be stdout or stderr, got '${stream}'`,
      );
    }
    const tail = nonNegativeIntParam(q, 'tail', MAX_TAIL_LINES);
    const { taskId } = req.params;
    const text = await ctx.master.readTaskLog(taskId, stream satisfies LogStream, tail);
    return reply.type('text/plain; charset=utf-8').send(text);
  });
}
