/**
 * `GET /v2/tasks` (JSON, or text/plain for haproxy-marathon-bridge) and `POST /v2/tasks/delete`.
 */
import type { FastifyInstance } from 'fastify';
import { type ErrorDetail, invalid } from '../../domain/errors.js';
import { TASK_STATES, type TaskRecord, type TaskState } from '../../domain/task.js';
import { prefersTextPlain } from '../accept.js';
import { JSON_TYPE, TEXT_TYPE, ViewCache } from '../cached-view.js';
import { isPlainObject, requireBody } from '../json-body.js';
import { allValues, type Query } from '../query-params.js';
import type { QueryRoute } from '../route-generics.js';
import { activeTasks, groupByApp } from '../views/task-counts.js';
import { type TaskJson, taskView } from '../views/task-view.js';
import { tasksText } from '../views/tasks-text.js';
import { kill, killOptions, sendKilled } from './app-tasks.js';
import type { RouteContext } from './route-context.js';

export function registerTaskRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const listCache = new ViewCache();
  app.get<QueryRoute>('/v2/tasks', async (req, reply) => {
    const text = prefersTextPlain(req.headers.accept);
    const states = statusFilter(req.query);
    reply.header('vary', 'Accept');
    return listCache.send(req, reply, {
      key: JSON.stringify(text ? ['text'] : ['json', ...[...states].sort()]),
      revision: ctx.master.viewRevision?.(),
      build: () => (text ? tasksPlain(ctx) : tasksJson(ctx, states)),
      type: text ? TEXT_TYPE : JSON_TYPE,
    });
  });

  app.post<QueryRoute>('/v2/tasks/delete', async (req, reply) => {
    const opts = killOptions(req.query);
    const ids = taskIds(req.body);
    // Ids of tasks that are gone already are skipped, as Marathon does: a kill script racing a
    // task's exit should not fail.
    const victims = ids
      .map((id) => ctx.master.getTask(id))
      .filter((t): t is TaskRecord => t !== undefined && activeTasks([t]).length === 1);
    return sendKilled(reply, await kill(ctx, victims, opts), 'tasks');
  });
}

/**
 * As Marathon: only tasks of apps that exist. A deleted app's tasks are being stopped by its
 * deployment and no longer belong to any app a client could look up.
 */
function tasksOfApps(ctx: RouteContext): TaskRecord[] {
  return activeTasks(ctx.master.listTasks()).filter((t) => ctx.master.getApp(t.appId) !== undefined);
}

function tasksJson(ctx: RouteContext, states: Set<TaskState>): { tasks: TaskJson[] } {
  const tasks = tasksOfApps(ctx);
  const shown = states.size === 0 ? tasks : tasks.filter((t) => states.has(t.state));
  return { tasks: shown.map(taskView) };
}

/** haproxy-marathon-bridge's format. */
function tasksPlain(ctx: RouteContext): string {
  return tasksText(ctx.master.listApps(), groupByApp(tasksOfApps(ctx)));
}

/**
 * `status` / `status[]` as Marathon takes them (`running`, `staging`, ...); the Mesos names
 * (`TASK_RUNNING`) work too. Unknown values are ignored, as in Marathon.
 */
function statusFilter(q: Query): Set<TaskState> {
  const wanted = [...allValues(q, 'status'), ...allValues(q, 'status[]')];
  const out = new Set<TaskState>();
  for (const w of wanted) {
    const name = w.trim().toUpperCase();
    const state = TASK_STATES.find((s) => s === name || s === `TASK_${name}`);
    if (state) out.add(state);
  }
  return out;
}

/**
 * `{"ids": ["<taskId>", ...]}`. Valid JSON of another shape is a 422 with the path and Play's
 * error key, as Marathon answers the JsResultException of `(body \\ "ids").as[Set[String]]`; an
 * absent body stays a 400.
 */
function taskIds(body: unknown): string[] {
  const b = requireBody(body);
  if (!isPlainObject(b)) throw invalid([{ path: '/', errors: ['error.expected.jsobject'] }]);
  const ids = b.ids;
  if (ids === undefined || ids === null) throw invalid([{ path: '/ids', errors: ['error.path.missing'] }]);
  if (!Array.isArray(ids)) throw invalid([{ path: '/ids', errors: ['error.expected.jsarray'] }]);
  const details: ErrorDetail[] = [];
  ids.forEach((id, i) => {
    if (typeof id !== 'string') details.push({ path: `/ids(${i})`, errors: ['error.expected.jsstring'] });
  });
  if (details.length > 0) throw invalid(details);
  return ids as string[];
}
