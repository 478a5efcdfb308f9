import type {
  AgentLink,
  LogRequest,
  MasterToAgent,
  RouteBindFailure,
  RouteTable,
  RunningTaskReport,
} from '../domain/agent-protocol.js';
import { PROTOCOL_VERSION } from '../domain/agent-protocol.js';
import { isTerminal } from '../domain/task.js';
import type { CancelTimer } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { applyRoutePatch } from '../routing/route-patch.js';
import { readAgentSecret, writeAgentSecret } from './agent-id-file.js';
import type { AgentOptions, StopOptions } from './agent-options.js';
import { TaskCheckpoints } from './checkpoint.js';
import { createNetworkProber } from './health/network-prober.js';
import { NO_DRAIN_CAP } from './kill-drain.js';
import { type RecoveryReport, recoverTasks } from './recovery.js';
import { Sandboxes } from './sandbox.js';
import { DEFAULT_SANDBOX_TTL_MS } from './sandbox-gc.js';
import { SandboxJanitor } from './sandbox-janitor.js';
import { DEFAULT_TASK_LOG_MAX_BYTES } from './task-log-rotation.js';
import { type TaskChange, TaskRunner } from './task-runner.js';
import { type PendingUpdate, UnackedUpdates } from './unacked-updates.js';

export type { AgentOptions, RouteSink, StopOptions } from './agent-options.js';
export type { RecoveryReport } from './recovery.js';
export type { AgentExecutors } from './task-runner.js';

export class Agent {
  private agentId: string | undefined;
  /** The credential the master issued (agent-id-file.ts); sent with every registration. */
  private agentSecret: string | undefined;
  private link: AgentLink | undefined;
  private registered = false;
  private cancelHeartbeat: CancelTimer | undefined;
  private stopping: Promise<void> | undefined;
  private recovery: Promise<RecoveryReport> | undefined;
  /** Launches still starting (sandbox, fetch, executor): shutdown waits for them. */
  private readonly launching = new Set<Promise<void>>();
  private readonly unacked = new UnackedUpdates();
  private readonly sandboxes: Sandboxes;
  private readonly checkpoints: TaskCheckpoints;
  private readonly runner: TaskRunner;
  private readonly janitor: SandboxJanitor | undefined;
  private readonly log: Logger;
  private routeFailures: RouteBindFailure[] = [];
  /** The table this link's master sent last, patches applied, and its version; none until one comes. */
  private routes: { table: RouteTable; version: number | undefined } | undefined;

  constructor(private readonly opts: AgentOptions) {
    this.agentId = opts.agentId;
    this.agentSecret = readSecretQuietly(opts.workDir);
    this.log = opts.logger.child({ agent: opts.hostname });
    this.sandboxes = new Sandboxes(opts.workDir, opts.maxLogBytes);
    this.checkpoints = new TaskCheckpoints(this.sandboxes);
    const hk = opts.housekeeping;
    this.janitor = hk
      ? new SandboxJanitor({
          root: this.sandboxes.root,
          ttlMs: hk.sandboxTtlMs ?? DEFAULT_SANDBOX_TTL_MS,
          maxTotalBytes: hk.sandboxMaxTotalBytes ?? 0,
          taskLogMaxBytes: hk.taskLogMaxBytes ?? DEFAULT_TASK_LOG_MAX_BYTES,
          clock: opts.clock,
          logger: this.log,
          keep: () => new Set([...this.runner.active(), ...this.endedUnacked()].map((t) => t.taskId)),
        })
      : undefined;
    this.runner = new TaskRunner({
      executors: opts.executors,
      sandboxes: this.sandboxes,
      checkpoints: this.checkpoints,
      logger: this.log,
      emit: (change) => this.statusUpdate(change),
      clock: opts.clock,
      prober: opts.prober ?? createNetworkProber(),
      host: opts.address,
      maxKillDrainMs: opts.maxKillDrainMs ?? NO_DRAIN_CAP,
      ...(opts.fetcher ? { fetcher: opts.fetcher } : {}),
    });
  }

  /** The id the master assigned; undefined until the first `registered`. */
  get id(): string | undefined {
    return this.agentId;
  }

  /** Whether a master has accepted this agent on the current link. */
  get isRegistered(): boolean {
    return this.registered;
  }

  /** Updates the master has not acknowledged yet, oldest first (for introspection and tests). */
  pendingUpdates(): PendingUpdate[] {
    return this.unacked.all();
  }

  /**
   * Re-adopts the tasks an earlier agent on this work dir left running (see recovery.ts). Runs
   * once; later calls return the same outcome. Never rejects: what cannot be recovered is logged
   * and listed in `failed`.
   */
  recover(): Promise<RecoveryReport> {
    this.recovery ??= recoverTasks({
      checkpoints: this.checkpoints,
      sandboxes: this.sandboxes,
      executors: this.opts.executors,
      runner: this.runner,
      logger: this.log,
    }).catch((err: unknown) => {
      this.log.error({ err }, 'task recovery failed');
      return { adopted: [], gone: [], failed: [{ taskId: '', error: (err as Error).message }] };
    });
    // Housekeeping only once recovery has read every checkpoint it needs.
    void this.recovery.then(() => {
      if (!this.stopping) this.janitor?.start();
    });
    return this.recovery;
  }

  /**
   * Uses `link` from now on (closing any previous one) and registers over it, once recovery is
   * done, so `register.runningTasks` includes the re-adopted tasks.
   */
  connect(link: AgentLink): void {
    if (this.stopping) {
      link.close();
      return;
    }
    this.dropLink();
    this.link = link;
    // Messages and closes from a link we have replaced are stale: ignore them.
    link.onMessage((msg) => {
      if (this.link === link) this.onMessage(link, msg);
    });
    link.onClose(() => {
      if (this.link !== link) return;
      this.log.warn('link to master closed');
      this.link = undefined;
      this.setUnregistered();
    });
    void this.recover().then(() => {
      if (this.link === link) this.register(link);
    });
  }

  private register(link: AgentLink): void {
    // A new link starts with a whole table; patches sent before it refer to nothing we have.
    this.routes = undefined;
    const runningTasks = [...this.runner.active(), ...this.endedUnacked()];
    link.send({
      type: 'register',
      protocolVersion: PROTOCOL_VERSION,
      ...(this.agentId !== undefined ? { agentId: this.agentId } : {}),
      ...(this.agentId !== undefined && this.agentSecret !== undefined
        ? { agentSecret: this.agentSecret }
        : {}),
      hostname: this.opts.hostname,
      address: this.opts.address,
      resources: this.opts.resources,
      attributes: this.opts.attributes,
      capabilities: {
        docker: this.opts.executors.docker !== undefined,
        privileged: this.opts.executors.docker?.allowsPrivileged === true,
        limits: this.opts.executors.process.enforcesLimits === true,
      },
      runningTasks,
      routePatches: true,
      // Its WebSocket link inflates binary frames (ws-link.ts); an in-process link has no frames.
      compressedFrames: true,
    });
  }

  private takeRoutes(link: AgentLink, table: RouteTable, version: number | undefined): void {
    this.routes = { table, version };
    const router = this.opts.router;
    router?.apply(table);
    // The userspace router takes it at once: a backend leaves its pool in apply(). The kernel
    // router's table is live when its rules are written (settled). Without a router the agent
    // sends nothing anywhere, so it has nothing to wait for either.
    if (version === undefined || this.agentId === undefined) return;
    const agentId = this.agentId;
    const ack = () => link.send({ type: 'routesApplied', agentId, version });
    if (!router?.settled) {
      ack();
      return;
    }
    router.settled().then(
      () => {
        if (this.link === link) ack();
      },
      (err) => this.log.warn({ err, version }, 'routing table not applied; not acknowledged'),
    );
  }

  /**
   * Shuts the agent down: with killTasks, every task is killed with its own grace period (their
   * TASK_KILLING/TASK_KILLED updates still go out on the open link) and this resolves once all
   * have ended; without, tasks keep running unsupervised. Either way the link is closed last.
   */
  stop(opts: StopOptions): Promise<void> {
    this.stopping ??= this.shutdown(opts);
    return this.stopping;
  }

  private async shutdown({ killTasks }: StopOptions): Promise<void> {
    this.runner.refuseLaunches('Agent is shutting down');
    this.janitor?.stop();
    // Tasks being re-adopted are killed or let go with the rest.
    await this.recovery;
    if (killTasks) await this.runner.killAll();
    else this.runner.detachAll();
    // A launch under way still writes its sandbox and checkpoints its handle once started (then
    // detaches): stopped before that, the next agent would find it half-launched, and whoever
    // removes the work dir would race its writes.
    await Promise.all(this.launching);
    // The next agent on this work dir must find every end this one saw.
    await this.checkpoints.flush();
    this.dropLink();
  }

  private dropLink(): void {
    const old = this.link;
    this.link = undefined;
    this.setUnregistered();
    old?.close();
  }

  private setUnregistered(): void {
    this.registered = false;
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = undefined;
  }

  private onMessage(link: AgentLink, msg: MasterToAgent): void {
    // Messages come off the network: a malformed one must cost a log line, not the agent.
    try {
      switch (msg.type) {
        case 'registered':
          if (msg.agentSecret !== undefined) this.keepSecret(msg.agentSecret);
          this.onRegistered(msg.agentId);
          return;
        case 'refused':
          this.log.error({ reason: msg.reason }, 'master refused registration');
          this.dropLink();
          return;
        case 'launch': {
          const launched = this.runner
            .launch(msg.task)
            .catch((err) => this.log.error({ err }, 'launch crashed'))
            .finally(() => this.launching.delete(launched));
          this.launching.add(launched);
          return;
        }
        case 'kill': {
          this.runner.kill(msg.taskId, msg.gracePeriodMs, msg.drainMs ?? 0);
          // Known but already ended: its terminal update may never have reached this master.
          const state = this.runner.stateOf(msg.taskId);
          if (state !== undefined && isTerminal(state)) this.resend(msg.taskId);
          return;
        }
        case 'ack':
          this.onAck(msg.updateId);
          return;
        case 'readLog':
          void this.serveLog(link, msg);
          return;
        case 'routes':
          this.takeRoutes(link, msg.table, msg.version);
          return;
        case 'routesPatch':
          if (this.routes === undefined || this.routes.version !== msg.from) {
            // Links deliver in order and a whole table comes after registration: a patch can
            // only miss its base before that table, which will bring everything.
            this.log.debug({ from: msg.from, have: this.routes?.version }, 'routing patch ignored');
            return;
          }
          this.takeRoutes(link, applyRoutePatch(this.routes.table, msg.patch), msg.version);
          return;
        default:
          this.log.warn({ type: (msg as { type?: unknown }).type }, 'unknown message from master: ignored');
      }
    } catch (err) {
      this.log.error({ err, type: msg?.type }, 'failed to handle message from master');
    }
  }

  /** Kept before anything else happens: the next registration must carry it. */
  private keepSecret(secret: string): void {
    this.agentSecret = secret;
    try {
      writeAgentSecret(this.opts.workDir, secret);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'cannot keep the agent credential in the work dir');
    }
  }

  private onRegistered(agentId: string): void {
    if (this.agentId !== undefined && this.agentId !== agentId) {
      this.log.warn({ previous: this.agentId, agentId }, 'master assigned a new agent id');
    }
    this.agentId = agentId;
    this.registered = true;
    this.log.info({ agentId, pending: this.unacked.size }, 'registered with master');
    for (const u of this.unacked.all()) this.send(u);
    // A master forgets an agent's bind failures when its link drops: tell it again.
    if (this.routeFailures.length > 0) this.sendRouteStatus();
    this.scheduleHeartbeat();
  }

  /** The router's service ports that cannot be bound now; the master shows them on the apps. */
  reportRouteFailures(failures: RouteBindFailure[]): void {
    this.routeFailures = failures;
    this.sendRouteStatus();
  }

  private sendRouteStatus(): void {
    if (!this.registered || !this.link || this.agentId === undefined) return;
    this.link.send({ type: 'routeStatus', agentId: this.agentId, failures: this.routeFailures });
  }

  private scheduleHeartbeat(): void {
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = this.opts.clock.setTimer(this.opts.heartbeatIntervalMs, () => {
      if (!this.registered || !this.link || this.agentId === undefined) return;
      this.link.send({ type: 'heartbeat', agentId: this.agentId });
      this.scheduleHeartbeat();
    });
  }

  private statusUpdate(change: TaskChange): void {
    const update: PendingUpdate = {
      updateId: this.opts.ids.uuid(),
      timestamp: this.opts.clock.now(),
      ...change,
    };
    this.unacked.add(update);
    this.send(update);
  }

  /** Sends now when registered; otherwise the update waits for the next registration. */
  private send(update: PendingUpdate): void {
    if (!this.registered || !this.link || this.agentId === undefined) return;
    this.link.send({ type: 'statusUpdate', agentId: this.agentId, ...update });
  }

  /**
   * Tasks that ended while no master acknowledged their end. They are reported too, in their end
   * state, so a master (perhaps a new leader) waits for the re-sent update instead of taking the
   * task for gone: a finished job run must not look like a vanished one and run again.
   */
  private endedUnacked(): RunningTaskReport[] {
    const ended = new Map<string, RunningTaskReport>();
    for (const u of this.unacked.all()) {
      if (isTerminal(u.state)) ended.set(u.taskId, { taskId: u.taskId, appId: u.appId, state: u.state });
    }
    return [...ended.values()];
  }

  private resend(taskId: string): void {
    for (const u of this.unacked.ofTask(taskId)) this.send(u);
  }

  private onAck(updateId: string): void {
    const update = this.unacked.ack(updateId);
    if (!update) {
      this.log.debug({ updateId }, 'ack for an unknown update: ignored');
      return;
    }
    if (isTerminal(update.state)) this.runner.forget(update.taskId);
  }

  private async serveLog(link: AgentLink, req: LogRequest): Promise<void> {
    const { requestId, taskId, stream, tail } = req;
    try {
      if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) {
        throw new Error('tail must be a non-negative integer');
      }
      const data = await this.sandboxes.readLog(taskId, stream, tail);
      link.send({ type: 'logData', requestId, data });
    } catch (err) {
      link.send({ type: 'logData', requestId, error: (err as Error).message });
    }
  }
}

/** Factory form, for composition roots that prefer functions. */
export function createAgent(opts: AgentOptions): Agent {
  return new Agent(opts);
}

function readSecretQuietly(workDir: string): string | undefined {
  try {
    return readAgentSecret(workDir);
  } catch {
    return undefined;
  }
}
