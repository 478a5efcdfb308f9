/**
 * Runs DOCKER tasks as containers on the local engine, through the Engine API (engine-client.ts).
 *
 *   launch: pull (if missing, or forcePullImage; progress -> ctx.progress) -> create -> start
 *           -> follow logs into the sandbox files -> wait
 *   exit:   wait answers -> logs drained -> container removed (its logs are in the sandbox)
 *   kill:   engine stop with the grace in whole seconds (the image's stop signal, then SIGKILL),
 *           or an immediate SIGKILL for a zero grace
 *   detach: stop following; the container keeps running
 *   reattach (agent restart): the handle names the container; a running one is supervised again
 *           (same container id, logs resume from the saved cursor); one that ended while the agent
 *           was down is drained, noted in stderr, removed, and reported gone
 *
 * The engine does the stop escalation itself, so a kill survives the agent dying halfway. Exit
 * statuses are the engine's: a container killed by a signal ends with 128+N, as `docker wait`
 * says. COMMAND health checks run inside the container via `exec` (task-exec.ts).
 */
import { appendFile } from 'node:fs/promises';
import type { TaskSpec } from '../../../domain/agent-protocol.js';
import { canonicalImage, parseImageRef, pullQuery } from '../../../domain/image-ref.js';
import { setCappedTimeout } from '../../../platform/capped-timer.js';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import type {
  Executor,
  LaunchContext,
  LogFiles,
  ReattachContext,
  RunningTask,
  TaskHandle,
} from '../executor.js';
import { type ContainerConfigInput, containerCreateBody, containerName, LABEL } from './container-config.js';
import { ContainerLogCopier, readCursor } from './container-logs.js';
import { type DockerHandle, DockerTask } from './docker-task.js';
import { DockerApiError, type DockerEngine } from './engine-client.js';
import { PullProgress } from './pull-progress.js';
import { credentialFor, type RegistryAuthConfig, registryAuthHeader } from './registry-auth.js';
import { StartSlots } from './start-slots.js';

export type { DockerHandle } from './docker-task.js';

export interface DockerExecutorOptions {
  engine: DockerEngine;
  /** The agent's advertised address: published ports bind there and nowhere else. */
  bindAddress: string;
  /** Goes into every container's `drover.agent` label. */
  agentName: string;
  /**
   * Identifies this agent among all users of the engine (its work dir is a good choice): the
   * `drover.owner` label, so a stray sweep never touches another agent's containers.
   */
  owner: string;
  /** Whether apps may ask for `privileged` containers. Default false. */
  allowPrivileged?: boolean;
  /** Host directories tasks may mount besides their sandbox (default none). */
  allowedHostPaths?: readonly string[];
  /** Credentials for private registries, by registry host. */
  registryAuth?: RegistryAuthConfig;
  logger?: Logger;
  /** Timers for retries after engine errors. Default: real (ref'd) timers. */
  timers?: Clock;
  /** Wait this long for a stopped container's last log lines before removing it. Default 5 s. */
  logDrainMs?: number;
  /** Limits concurrent creates+starts on the engine; share one among agents on one engine. */
  startSlots?: StartSlots;
}

const refTimers: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setCappedTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export class DockerExecutor implements Executor {
  readonly kind = 'docker';
  private readonly timers: Clock;
  private readonly startSlots: StartSlots;
  /** Task ids of containers this executor started or re-adopted: never strays. */
  private readonly supervised = new Set<string>();

  constructor(private readonly opts: DockerExecutorOptions) {
    this.timers = opts.timers ?? refTimers;
    this.startSlots = opts.startSlots ?? new StartSlots();
  }

  get allowsPrivileged(): boolean {
    return this.opts.allowPrivileged ?? false;
  }

  get engine(): DockerEngine {
    return this.opts.engine;
  }

  async launch(spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask> {
    const docker = spec.container?.docker;
    if (!docker) throw new Error('Task has no docker image');
    const ref = parseImageRef(docker.image);
    const image = canonicalImage(ref);
    const config: ContainerConfigInput = {
      spec,
      env: ctx.env,
      sandbox: ctx.sandbox,
      image,
      bindAddress: this.opts.bindAddress,
      agentName: this.opts.agentName,
      owner: this.opts.owner,
      allowPrivileged: this.opts.allowPrivileged ?? false,
      allowedHostPaths: this.opts.allowedHostPaths ?? [],
    };
    // Before the pull: a definition this agent cannot run should not cost a download.
    const body = containerCreateBody(config);
    this.supervised.add(spec.taskId);
    try {
      await this.ensureImage(docker.image, docker.forcePullImage, ctx);
      const id = await this.startSlots.run(async () => {
        const created = await this.create(spec.taskId, body);
        try {
          await this.engine.startContainer(created);
        } catch (err) {
          await this.engine.removeContainer(created).catch(() => undefined);
          throw new Error(`Failed to start container: ${(err as Error).message}`);
        }
        return created;
      });
      const info = await this.engine.inspectContainer(id);
      const copier = this.copier(id, ctx.logs, ctx.sandbox, { follow: true });
      return new DockerTask(
        this,
        spec.taskId,
        { containerId: id, name: containerName(spec.taskId) },
        info?.State.Pid,
        copier,
        ctx.logs,
      );
    } catch (err) {
      this.supervised.delete(spec.taskId);
      throw err;
    }
  }

  async reattach(ctx: ReattachContext): Promise<RunningTask | undefined> {
    const { taskId } = ctx.spec;
    const handle = parseHandle(ctx.handle);
    if (!handle) {
      // The agent died between starting a launch and recording the container: whatever got
      // created for the task runs unsupervised, so it goes.
      await this.removeTaskContainers(taskId);
      return undefined;
    }
    const info = await this.engine.inspectContainer(handle.containerId);
    if (!info || info.Config.Labels?.[LABEL.taskId] !== taskId) return undefined;
    const after = await readCursor(ctx.sandbox);
    if (info.State.Running) {
      this.supervised.add(taskId);
      const copier = this.copier(handle.containerId, ctx.logs, ctx.sandbox, { follow: true, after });
      return new DockerTask(this, taskId, handle, info.State.Pid, copier, ctx.logs);
    }
    // Ended while the agent was down: keep its last words and say how it ended.
    await this.copier(handle.containerId, ctx.logs, ctx.sandbox, { follow: false, after }).done;
    await appendFile(
      ctx.logs.stderr,
      `drover: container exited with status ${info.State.ExitCode}${info.State.OOMKilled ? ' (out of memory)' : ''} while the agent was down\n`,
    ).catch(() => undefined);
    await this.engine.removeContainer(handle.containerId);
    return undefined;
  }

  /**
   * Removes this agent's containers that no task accounts for: `keep` (the tasks recovery
   * re-adopted) and whatever this executor launched or adopted itself are left alone. Run it after
   * recovery; returns the task ids whose containers were removed.
   */
  async removeStrays(keep: ReadonlySet<string>): Promise<string[]> {
    const mine = await this.engine.listContainers([`${LABEL.owner}=${this.opts.owner}`]);
    const removed: string[] = [];
    for (const c of mine) {
      const taskId = c.Labels[LABEL.taskId] ?? '';
      if (keep.has(taskId) || this.supervised.has(taskId)) continue;
      this.opts.logger?.warn({ taskId, container: c.Id }, 'removing a container no task accounts for');
      await this.engine.removeContainer(c.Id);
      removed.push(taskId);
    }
    return removed;
  }

  /** @internal for DockerTask */
  released(taskId: string): void {
    this.supervised.delete(taskId);
  }

  /** @internal for DockerTask */
  get logDrainMs(): number {
    return this.opts.logDrainMs ?? 5_000;
  }

  /** @internal for DockerTask */
  get clock(): Clock {
    return this.timers;
  }

  /** @internal for DockerTask */
  get logger(): Logger | undefined {
    return this.opts.logger;
  }

  private copier(
    id: string,
    logs: LogFiles,
    sandbox: string,
    opts: { follow: boolean; after?: bigint | undefined },
  ): ContainerLogCopier {
    return new ContainerLogCopier(this.engine, id, logs, sandbox, {
      follow: opts.follow,
      ...(opts.after !== undefined ? { after: opts.after } : {}),
      onError: (err) => this.opts.logger?.warn({ err, container: id }, 'container log copy failed'),
    });
  }

  private async ensureImage(image: string, forcePull: boolean, ctx: LaunchContext): Promise<void> {
    const ref = parseImageRef(image);
    if (!forcePull && (await this.engine.hasImage(canonicalImage(ref)))) return;
    const cred = credentialFor(this.opts.registryAuth ?? {}, ref.registry);
    const progress = new PullProgress();
    ctx.progress?.(`Pulling image ${image}`);
    try {
      await this.engine.pull(pullQuery(ref), {
        ...(cred ? { authHeader: registryAuthHeader(ref.registry, cred) } : {}),
        onLine: (line) => {
          if (progress.apply(line) && progress.error === undefined) {
            ctx.progress?.(`Pulling image ${image}: ${progress.summary()}`);
          }
        },
      });
    } catch (err) {
      throw new Error(`Failed to pull image ${image}: ${(err as Error).message}`);
    }
  }

  /** Creates the task's container; one left from an earlier try of the same task is replaced. */
  private async create(taskId: string, body: Record<string, unknown>): Promise<string> {
    const name = containerName(taskId);
    try {
      return (await this.engine.createContainer(name, body)).Id;
    } catch (err) {
      if (!(err instanceof DockerApiError && err.status === 409)) {
        throw new Error(`Failed to create container: ${(err as Error).message}`);
      }
    }
    const old = await this.engine.inspectContainer(name);
    if (old && old.Config.Labels?.[LABEL.owner] !== this.opts.owner) {
      throw new Error(
        `Failed to create container: the name ${name} is taken by a container of another agent`,
      );
    }
    await this.engine.removeContainer(name);
    try {
      return (await this.engine.createContainer(name, body)).Id;
    } catch (err) {
      throw new Error(`Failed to create container: ${(err as Error).message}`);
    }
  }

  private async removeTaskContainers(taskId: string): Promise<void> {
    const found = await this.engine.listContainers([
      `${LABEL.owner}=${this.opts.owner}`,
      `${LABEL.taskId}=${taskId}`,
    ]);
    for (const c of found) await this.engine.removeContainer(c.Id);
  }
}

function parseHandle(h: TaskHandle | undefined): DockerHandle | undefined {
  if (!h || typeof h.containerId !== 'string' || h.containerId === '') return undefined;
  return { containerId: h.containerId, name: typeof h.name === 'string' ? h.name : '' };
}

export function createDockerExecutor(opts: DockerExecutorOptions): DockerExecutor {
  return new DockerExecutor(opts);
}
