/**
 * An executor that runs nothing: for the simulation harness and unit tests. A test decides when a
 * task exits (`exit`), whether it ignores SIGTERM, and can make launches fail.
 *
 * For the executor contract suite it can also act out a small program per task (`program`):
 * write output to the log files, exit with a code, answer HTTP on the task's first port, ignore
 * SIGTERM, answer execs. With `reattach: true` it hands out handles and a `restarted()` twin
 * (the same "machine", a new executor, as after an agent restart) re-attaches to live tasks.
 */
import { appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor, LaunchContext, ReattachContext, RunningTask, TaskExit } from './executor.js';
import type { ExecResult } from './task-exec.js';

export interface FakeTask {
  spec: TaskSpec;
  env: Record<string, string>;
  exited: boolean;
  killRequested: boolean;
}

/** What a fake task does, decided per launch. */
export interface FakeProgram {
  stdout?: string;
  stderr?: string;
  /** Exit with this code right after starting; undefined: run until killed. */
  exitCode?: number;
  /** Answer every HTTP request on 127.0.0.1:<first task port> with this body while running. */
  serve?: string;
  /** SIGTERM does nothing; only the SIGKILL at the end of the grace period ends it. */
  ignoreTerm?: boolean;
  /** Runs an exec'd command; without it the task offers no exec. */
  exec?: (command: string) => ExecResult;
}

export interface FakeExecutorOptions {
  program?: (spec: TaskSpec, ctx: LaunchContext) => FakeProgram | undefined;
  /** Offer handles and `reattach` (off by default: tests use the fake as an executor without). */
  reattach?: boolean;
}

/** The tasks of one fake "machine": shared by a fake executor and its `restarted()` twins. */
interface Machine {
  tasks: Map<string, FakeTask>;
  /** Listeners for each task's end: the RunningTasks handed out for it. */
  exits: Map<string, Set<(e: TaskExit) => void>>;
  servers: Map<string, Server>;
  programs: Map<string, FakeProgram>;
}

export class FakeExecutor implements Executor {
  readonly kind = 'fake';
  readonly tasks: Map<string, FakeTask>;
  /** When set, the next launches reject with this message. */
  failLaunchesWith: string | undefined;
  /** Tasks listed here ignore SIGTERM and die only at the end of the grace period. */
  readonly ignoreTerm = new Set<string>();
  reattach?: (ctx: ReattachContext) => Promise<RunningTask | undefined>;
  private readonly machine: Machine;

  constructor(
    private readonly clock: Clock,
    private readonly opts: FakeExecutorOptions = {},
    machine?: Machine,
  ) {
    this.machine = machine ?? { tasks: new Map(), exits: new Map(), servers: new Map(), programs: new Map() };
    this.tasks = this.machine.tasks;
    if (opts.reattach) this.reattach = (ctx) => this.reattachTask(ctx);
  }

  /** A new executor on the same machine, as after an agent restart. */
  restarted(): FakeExecutor {
    return new FakeExecutor(this.clock, this.opts, this.machine);
  }

  async launch(spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask> {
    if (this.failLaunchesWith !== undefined) throw new Error(this.failLaunchesWith);
    const program = this.opts.program?.(spec, ctx);
    const task: FakeTask = { spec, env: ctx.env, exited: false, killRequested: false };
    this.tasks.set(spec.taskId, task);
    this.machine.exits.set(spec.taskId, new Set());
    if (program) await this.start(spec, ctx, program);
    const running = this.runningTask(task);
    if (program?.exitCode !== undefined) {
      const code = program.exitCode;
      this.clock.setTimer(0, () => this.exit(spec.taskId, { exitCode: code, signal: null }));
    }
    return running;
  }

  private async start(spec: TaskSpec, ctx: LaunchContext, program: FakeProgram): Promise<void> {
    this.machine.programs.set(spec.taskId, program);
    if (program.ignoreTerm) this.ignoreTerm.add(spec.taskId);
    await appendFile(ctx.logs.stdout, program.stdout ?? '');
    await appendFile(ctx.logs.stderr, program.stderr ?? '');
    const port = spec.ports[0];
    if (program.serve !== undefined && port !== undefined) {
      const body = program.serve;
      const server = createServer((_req, res) => res.end(body));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      this.machine.servers.set(spec.taskId, server);
    }
  }

  private runningTask(task: FakeTask): RunningTask {
    const { taskId } = task.spec;
    let detached = false;
    let listener: ((e: TaskExit) => void) | undefined;
    const exited = new Promise<TaskExit>((resolve) => {
      listener = (e) => {
        if (!detached) resolve(e);
      };
      this.machine.exits.get(taskId)?.add(listener);
    });
    const program = this.machine.programs.get(taskId);
    const running: RunningTask & { exec?: (command: string) => Promise<ExecResult> } = {
      ...(this.opts.reattach ? { handle: { fakeTaskId: taskId } } : {}),
      exited,
      kill: async (gracePeriodMs) => {
        task.killRequested = true;
        if (task.exited) return;
        if (this.ignoreTerm.has(taskId)) {
          await new Promise<void>((r) => this.clock.setTimer(gracePeriodMs, r));
          this.exit(taskId, { exitCode: null, signal: 'SIGKILL' });
        } else {
          this.exit(taskId, { exitCode: null, signal: 'SIGTERM' });
        }
        await exited;
      },
      detach: () => {
        detached = true;
        if (listener) this.machine.exits.get(taskId)?.delete(listener);
      },
    };
    const exec = program?.exec;
    if (exec) running.exec = async (command) => exec(command);
    return running;
  }

  private async reattachTask(ctx: ReattachContext): Promise<RunningTask | undefined> {
    const id = ctx.handle?.fakeTaskId;
    const task = typeof id === 'string' ? this.tasks.get(id) : undefined;
    if (!task || task.exited) return undefined;
    return this.runningTask(task);
  }

  /** End a task as if its process exited. */
  exit(taskId: string, e: TaskExit = { exitCode: 0, signal: null }): void {
    const task = this.tasks.get(taskId);
    if (!task || task.exited) return;
    task.exited = true;
    const server = this.machine.servers.get(taskId);
    if (server) {
      server.closeAllConnections();
      server.close();
      this.machine.servers.delete(taskId);
    }
    for (const fn of this.machine.exits.get(taskId) ?? []) fn(e);
  }

  running(): FakeTask[] {
    return [...this.tasks.values()].filter((t) => !t.exited);
  }
}
