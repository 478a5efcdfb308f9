/**
 * One container task of the docker executor (docker-executor.ts): waits for the container to stop
 * (riding out engine restarts), kills it through the engine (stop with the grace in whole seconds,
 * or SIGKILL), runs COMMAND health checks inside it via exec, and on exit drains its last log
 * lines, notes an OOM kill and removes the container, unless the agent let go of it.
 */
import { appendFile } from 'node:fs/promises';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import type { LogFiles, RunningTask, TaskExit, TaskHandle } from '../executor.js';
import type { CanExec, ExecOptions, ExecResult } from '../task-exec.js';
import type { ContainerLogCopier } from './container-logs.js';
import type { DockerEngine } from './engine-client.js';

/** What the agent checkpoints for a container task. */
export interface DockerHandle {
  containerId: string;
  name: string;
}

/** What a DockerTask needs of its executor. */
export interface DockerTaskHost {
  readonly engine: DockerEngine;
  readonly logger: Logger | undefined;
  readonly clock: Clock;
  /** How long a stopped container's last log lines are waited for before it is removed. */
  readonly logDrainMs: number;
  /** The task is no longer this executor's to supervise. */
  released(taskId: string): void;
}

export class DockerTask implements RunningTask, CanExec {
  readonly exited: Promise<TaskExit>;
  readonly handle: TaskHandle;
  private readonly stopWaiting = new AbortController();
  private killing: Promise<void> | undefined;
  private detached = false;
  private ended = false;

  constructor(
    private readonly executor: DockerTaskHost,
    private readonly taskId: string,
    private readonly container: DockerHandle,
    readonly pid: number | undefined,
    private readonly copier: ContainerLogCopier,
    private readonly logs: LogFiles,
  ) {
    this.handle = { containerId: container.containerId, name: container.name };
    this.exited = this.watch();
  }

  private get engine(): DockerEngine {
    return this.executor.engine;
  }

  kill(gracePeriodMs: number): Promise<void> {
    this.killing ??= this.terminate(gracePeriodMs);
    return this.killing;
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.stopWaiting.abort();
    void this.copier.stop();
    this.executor.released(this.taskId);
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    const id = this.container.containerId;
    const execId = await this.engine.execCreate(id, ['/bin/sh', '-c', command]);
    const signal = AbortSignal.timeout(opts.timeoutMs);
    try {
      const out = await this.engine.execStart(execId, {
        signal,
        ...(opts.maxOutputBytes !== undefined ? { maxBytes: opts.maxOutputBytes } : {}),
      });
      const inspect = await this.engine.execInspect(execId);
      return { exitCode: inspect.ExitCode, stdout: out.stdout, stderr: out.stderr, timedOut: false };
    } catch (err) {
      if (!signal.aborted) throw err;
      // The engine cannot cancel an exec; its process is on this machine, so end it directly.
      const inspect = await this.engine.execInspect(execId).catch(() => undefined);
      if (inspect?.Running && inspect.Pid > 0) {
        try {
          process.kill(inspect.Pid, 'SIGKILL');
        } catch {
          // Ended meanwhile.
        }
      }
      return { exitCode: null, stdout: '', stderr: '', timedOut: true };
    }
  }

  private async terminate(gracePeriodMs: number): Promise<void> {
    if (this.ended) return;
    const id = this.container.containerId;
    try {
      if (gracePeriodMs <= 0) await this.engine.killContainer(id, 'SIGKILL');
      else await this.engine.stopContainer(id, Math.ceil(gracePeriodMs / 1000));
    } catch (err) {
      this.executor.logger?.warn({ err, container: id }, 'container stop failed: killing it');
      await this.engine.killContainer(id, 'SIGKILL').catch(() => undefined);
    }
    await this.exited;
  }

  /** Waits for the container to stop, riding out engine hiccups; never rejects. */
  private async watch(): Promise<TaskExit> {
    const id = this.container.containerId;
    let exit: TaskExit | undefined;
    let failures = 0;
    while (!exit) {
      try {
        const r = await this.engine.waitContainer(id, this.stopWaiting.signal);
        exit = { exitCode: r.StatusCode, signal: null };
      } catch (err) {
        if (this.detached) return new Promise<TaskExit>(() => {});
        // The engine restarted or the connection broke: look before waiting again.
        const info = await this.engine.inspectContainer(id).catch(() => 'unknown' as const);
        if (info === undefined) exit = { exitCode: null, signal: 'SIGKILL' };
        else if (info !== 'unknown' && !info.State.Running)
          exit = { exitCode: info.State.ExitCode, signal: null };
        else {
          failures++;
          this.executor.logger?.warn(
            { err, container: id, failures },
            'waiting for a container failed: retrying',
          );
          await new Promise<void>((r) =>
            this.executor.clock.setTimer(Math.min(10_000, 250 * 2 ** failures), r),
          );
        }
      }
    }
    await this.finish(id);
    this.ended = true;
    return exit;
  }

  /** Last log lines in, OOM noted, container removed (unless the agent let go of it meanwhile). */
  private async finish(id: string): Promise<void> {
    let cancel: (() => void) | undefined;
    const drained = await Promise.race([
      this.copier.done.then(() => true),
      new Promise<boolean>((r) => {
        cancel = this.executor.clock.setTimer(this.executor.logDrainMs, () => r(false));
      }),
    ]);
    cancel?.();
    if (!drained) await this.copier.stop();
    if (this.detached) return;
    const info = await this.engine.inspectContainer(id).catch(() => undefined);
    if (info?.State.OOMKilled) {
      await appendFile(
        this.logs.stderr,
        'drover: container was killed for exceeding its memory limit\n',
      ).catch(() => undefined);
    }
    await this.engine
      .removeContainer(id)
      .catch((err: unknown) =>
        this.executor.logger?.warn({ err, container: id }, 'container removal failed'),
      );
    this.executor.released(this.taskId);
  }
}
