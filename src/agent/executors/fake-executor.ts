/**
 * An executor that runs nothing: for the simulation harness and unit tests. A test decides when a
 * task exits (`exit`), whether it ignores SIGTERM, and can make launches fail.
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor, LaunchContext, RunningTask, TaskExit } from './executor.js';

export interface FakeTask {
  spec: TaskSpec;
  env: Record<string, string>;
  exited: boolean;
  killRequested: boolean;
}

export class FakeExecutor implements Executor {
  readonly kind = 'fake';
  readonly tasks = new Map<string, FakeTask>();
  private readonly exits = new Map<string, (e: TaskExit) => void>();
  /** When set, the next launches reject with this message. */
  failLaunchesWith: string | undefined;
  /** Tasks listed here ignore SIGTERM and die only at the end of the grace period. */
  readonly ignoreTerm = new Set<string>();

  constructor(private readonly clock: Clock) {}

  async launch(spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask> {
    if (this.failLaunchesWith !== undefined) throw new Error(this.failLaunchesWith);
    const task: FakeTask = { spec, env: ctx.env, exited: false, killRequested: false };
    this.tasks.set(spec.taskId, task);
    const exited = new Promise<TaskExit>((resolve) => {
      this.exits.set(spec.taskId, (e) => {
        if (task.exited) return;
        task.exited = true;
        resolve(e);
      });
    });
    return {
      exited,
      kill: async (gracePeriodMs) => {
        task.killRequested = true;
        if (this.ignoreTerm.has(spec.taskId)) {
          await new Promise<void>((r) => this.clock.setTimer(gracePeriodMs, r));
          this.exit(spec.taskId, { exitCode: null, signal: 'SIGKILL' });
        } else {
          this.exit(spec.taskId, { exitCode: null, signal: 'SIGTERM' });
        }
        await exited;
      },
      detach: () => undefined,
    };
  }

  /** End a task as if its process exited. */
  exit(taskId: string, e: TaskExit = { exitCode: 0, signal: null }): void {
    this.exits.get(taskId)?.(e);
  }

  running(): FakeTask[] {
    return [...this.tasks.values()].filter((t) => !t.exited);
  }
}
