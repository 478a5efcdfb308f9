/**
 * One app's tasks: list (JSON, or Marathon's text/plain lines), kill all or those on a host, kill
 * one. With `scale=true` the app's instances drop by the number killed and the answer is the
 * deployment; otherwise it is the killed tasks.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeploymentRef } from '../../control-plane/master-api.js';
import { DroverError } from '../../domain/errors.js';
import type { TaskRecord } from '../../domain/task.js';
import { prefersTextPlain } from '../accept.js';
import { boolParam, oneValue, type Query } from '../query-params.js';
import { sendDeployment } from '../views/deployment-result.js';
import { activeTasks } from '../views/task-counts.js';
import { taskView } from '../views/task-view.js';
import { tasksText } from '../views/tasks-text.js';
import { requireApp, unknownTask } from './app-lookup.js';
import type { RouteContext } from './route-context.js';

export function listAppTasks(
  ctx: RouteContext,
  id: string,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const app = requireApp(ctx.master, id);
  const tasks = activeTasks(ctx.master.listTasks(id));
  if (prefersTextPlain(req.headers.accept)) {
    return reply.type('text/plain; charset=utf-8').send(tasksText([app], new Map([[id, tasks]])));
  }
  return reply.send({ tasks: tasks.map(taskView) });
}

/** DELETE /v2/apps/{id}/tasks?host=&scale=&wipe=&force= */
export async function killAppTasks(
  ctx: RouteContext,
  id: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const opts = killOptions(q);
  requireApp(ctx.master, id);
  const host = oneValue(q, 'host');
  const onHost = host === undefined || host === '*' ? () => true : hostMatcher(ctx, host);
  const victims = activeTasks(ctx.master.listTasks(id)).filter(onHost);
  return sendKilled(reply, await kill(ctx, victims, opts), 'tasks');
}

/** DELETE /v2/apps/{id}/tasks/{taskId}?scale=&wipe=&force= */
export async function killAppTask(
  ctx: RouteContext,
  id: string,
  taskId: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const opts = killOptions(q);
  requireApp(ctx.master, id);
  const task = ctx.master.getTask(taskId);
  if (!task || task.appId !== id) throw unknownTask(taskId);
  return sendKilled(reply, await kill(ctx, [task], opts), 'task');
}

export interface KillOptions {
  scale: boolean;
  force: boolean;
}

/** `wipe` (persistent volumes) is accepted and means a plain kill: Drover has no reservations. */
export function killOptions(q: Query): KillOptions {
  const scale = boolParam(q, 'scale', false);
  const wipe = boolParam(q, 'wipe', false);
  if (scale && wipe) throw new DroverError('BAD_REQUEST', 'You cannot use scale and wipe at the same time.');
  return { scale, force: boolParam(q, 'force', false) };
}

export interface KillOutcome {
  tasks: TaskRecord[];
  deployment?: DeploymentRef;
}

export async function kill(ctx: RouteContext, tasks: TaskRecord[], opts: KillOptions): Promise<KillOutcome> {
  if (tasks.length === 0) return { tasks: [] };
  return ctx.master.killTasks(
    tasks.map((t) => t.id),
    opts,
  );
}

/** Marathon answers a scaling kill with the deployment, a plain kill with the tasks. */
export function sendKilled(reply: FastifyReply, out: KillOutcome, shape: 'tasks' | 'task'): FastifyReply {
  if (out.deployment) return sendDeployment(reply, out.deployment);
  if (shape === 'task') {
    const [t] = out.tasks;
    return reply.send(t ? { task: taskView(t) } : {});
  }
  return reply.send({ tasks: out.tasks.map(taskView) });
}

/** `host` names an agent by its hostname or by the address tasks report as `host`. */
function hostMatcher(ctx: RouteContext, host: string): (t: TaskRecord) => boolean {
  const agentIds = new Set(
    ctx.master
      .agents()
      .filter((a) => a.hostname === host || a.address === host)
      .map((a) => a.id),
  );
  return (t) => t.host === host || agentIds.has(t.agentId);
}
