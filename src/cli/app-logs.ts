/**
 * `drover app logs APP|TASK`: whose logs (every task of the app, else its last failed task, else
 * the argument taken as a task id), printed once or followed (`-f`, until SIGINT/SIGTERM), each
 * line prefixed with its task when there are several, one JSON object per line with `--json`.
 */
import { isApiError } from '../client/api-error.js';
import { followTaskLog } from '../client/log-follow.js';
import type { LogStream } from '../client/types.js';
import { DroverError } from '../domain/errors.js';
import type { CommandContext } from './client-options.js';

const abs = (id: string) => (id.startsWith('/') ? id : `/${id}`);

export async function appLogs(
  ctx: CommandContext,
  target: string,
  opts: { stderr?: boolean; tail?: number; follow?: boolean },
): Promise<void> {
  const stream: LogStream = opts.stderr ? 'stderr' : 'stdout';
  let taskIds: string[];
  try {
    const a = await ctx.client.apps.show(abs(target), { embed: ['tasks', 'lastTaskFailure'] });
    taskIds = (a.tasks ?? []).map((t) => t.id);
    if (taskIds.length === 0 && a.lastTaskFailure) taskIds = [a.lastTaskFailure.taskId];
    if (taskIds.length === 0)
      throw new DroverError('TASK_NOT_FOUND', `${a.id} has no tasks (and no failed one to show)`);
  } catch (err) {
    if (!isApiError(err) || err.status !== 404) throw err;
    taskIds = [target];
  }
  const prefix = (id: string) => (taskIds.length > 1 ? ctx.term.c.dim(`[${id}] `) : '');
  const emit = (id: string, lines: string[]) => {
    for (const l of lines) {
      if (ctx.json) ctx.term.out(JSON.stringify({ taskId: id, stream, line: l }));
      else ctx.term.out(`${prefix(id)}${l}`);
    }
  };
  if (!opts.follow) {
    for (const id of taskIds) {
      const text = await ctx.client.tasks.logs(id, {
        stream,
        ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      });
      if (ctx.json || taskIds.length > 1)
        emit(
          id,
          text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1)),
        );
      else process.stdout.write(text);
    }
    return;
  }
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await Promise.all(
      taskIds.map((id) =>
        followTaskLog(ctx.client.tasks, id, {
          stream,
          ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
          signal: ac.signal,
          onLines: (lines) => emit(id, lines),
        }),
      ),
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
