/**
 * The master: owns cluster state, runs the reconcile loop and answers the API. Every state change
 * runs through one Serial queue; reads come from memory.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { LogStream, MasterLink } from '../domain/agent-protocol.js';
import type { AppDefinition, AppSpec } from '../domain/app.js';
import { isScaleOnly, sameDefinition } from '../domain/app-equality.js';
import { DroverError } from '../domain/errors.js';
import { assignServicePorts, servicePortsOf } from '../domain/service-ports.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { CancelTimer } from '../platform/clock.js';
import { AgentHub } from './agent-hub.js';
import { setDraining } from './agent-drain.js';
import { admitAgent, reconcileAgentTasks } from './agent-registration.js';
import type { MasterContext, MasterDeps } from './context.js';
import { EventBus } from './event-bus.js';
import { JobRuntime } from './jobs/job-runtime.js';
import type { DeploymentRef, MasterApi, MasterInfo, QueueEntry } from './master-api.js';
import { MasterState } from './master-state.js';
import { reconcilePass, requestKill } from './reconcile-pass.js';
import { Serial } from './serial.js';
import { applyStatusUpdate } from './task-lifecycle.js';
import { nextVersion } from './versions.js';

export const DROVER_VERSION = '0.1.0';

export class Master implements MasterApi {
  private readonly serial = new Serial();
  private readonly ctx: MasterContext;
  private readonly hub: AgentHub;
  /** Every state change is announced here (SSE, metrics, tests). */
  readonly events: EventBus;
  private running = false;
  private tickTimer: CancelTimer | undefined;
  private triggerTimer: CancelTimer | undefined;
  private readonly electedAt: number;
  private readonly frameworkId: string;

  private constructor(
    private readonly deps: MasterDeps,
    private readonly state: MasterState,
  ) {
    this.hub = new AgentHub(
      {
        register: (msg) => this.serial.run(() => admitAgent(this.ctx, msg)),
        registered: (agentId, msg) => this.serial.run(() => reconcileAgentTasks(this.ctx, agentId, msg)),
        statusUpdate: (agentId, msg) => this.serial.run(() => applyStatusUpdate(this.ctx, agentId, msg)),
        heartbeat: (agentId) => {
          const a = this.state.agents.get(agentId);
          if (a) a.lastHeartbeatAt = this.deps.clock.now();
        },
        disconnected: (agentId) => {
          const a = this.state.agents.get(agentId);
          if (a) a.connected = false;
        },
      },
      deps.clock,
      deps.ids,
    );
    this.events = new EventBus(() => deps.clock.now());
    this.ctx = { deps, state, hub: this.hub, events: this.events, trigger: () => this.trigger() };
    this.electedAt = deps.clock.now();
    this.frameworkId = deps.ids.uuid();
  }

  /** Scheduled jobs: the runtime in ./jobs/ owns them; the master only starts, stops and routes. */
  jobs!: JobRuntime;

  static async create(deps: MasterDeps): Promise<Master> {
    const master = new Master(deps, await MasterState.load(deps.store));
    master.jobs = await JobRuntime.load(master.ctx, master.serial, deps.jobs);
    master.ctx.jobTasks = master.jobs;
    return master;
  }

  start(): void {
    this.running = true;
    this.scheduleTick();
    this.jobs.start();
  }

  /** Stops the loops first, so tasks killed during shutdown are not replaced. */
  async stop(): Promise<void> {
    this.running = false;
    this.jobs.stop();
    this.tickTimer?.();
    this.triggerTimer?.();
    await this.serial.run(async () => undefined);
    this.hub.closeAll();
  }

  connectAgent(link: MasterLink): void {
    this.hub.accept(link);
  }

  /** Runs one reconcile pass now (tests and the simulation harness use this). */
  reconcileNow(): Promise<void> {
    return this.serial.run(() => (this.running ? reconcilePass(this.ctx) : Promise.resolve()));
  }

  private trigger(): void {
    if (!this.running || this.triggerTimer) return;
    this.triggerTimer = this.deps.clock.setTimer(0, () => {
      this.triggerTimer = undefined;
      void this.reconcileNow().catch((err) => this.deps.logger.error({ err }, 'reconcile pass failed'));
    });
  }

  private scheduleTick(): void {
    if (!this.running) return;
    this.tickTimer = this.deps.clock.setTimer(this.deps.reconcileIntervalMs ?? 1000, () => {
      void this.reconcileNow()
        .catch((err) => this.deps.logger.error({ err }, 'reconcile pass failed'))
        .finally(() => this.scheduleTick());
    });
  }

  // ---- reads ----

  listApps(): AppDefinition[] {
    return [...this.state.apps.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  getApp(id: string): AppDefinition | undefined {
    return this.state.apps.get(id);
  }

  listTasks(appId?: string): TaskRecord[] {
    // Job run tasks are Chronos's, not Marathon's: /v2 never lists them.
    const all = [...this.state.tasks.values()].filter((t) => t.jobRun === undefined);
    return appId === undefined ? all : all.filter((t) => t.appId === appId);
  }

  getTask(taskId: string): TaskRecord | undefined {
    return this.state.tasks.get(taskId);
  }

  lastTaskFailure(appId: string): TaskFailure | undefined {
    return this.state.failures.get(appId);
  }

  listAppVersions(appId: string): Promise<string[]> {
    return this.deps.store.listAppVersions(appId);
  }

  getAppVersion(appId: string, version: string): Promise<AppDefinition | undefined> {
    return this.deps.store.getAppVersion(appId, version);
  }

  queue(): QueueEntry[] {
    const now = this.deps.clock.now();
    const entries: QueueEntry[] = [];
    for (const [appId, w] of this.state.waiting) {
      const app = this.state.apps.get(appId);
      if (!app) continue;
      const delay = this.state.delays.get(appId);
      const left = delay ? Math.max(0, Math.ceil((delay.until - now) / 1000)) : 0;
      entries.push({
        app,
        count: w.count,
        delay: { timeLeftSeconds: left, overdue: left === 0 },
        since: new Date(w.since).toISOString(),
        rejections: w.rejections,
      });
    }
    return entries;
  }

  agents(): AgentInfo[] {
    return [...this.state.agents.values()];
  }

  info(): MasterInfo {
    const leader = `${this.deps.http.host}:${this.deps.http.port}`;
    return {
      name: 'drover',
      version: DROVER_VERSION,
      frameworkId: this.frameworkId,
      leader,
      electedAt: new Date(this.electedAt).toISOString(),
      http: this.deps.http,
    };
  }

  // ---- writes ----

  createApp(app: AppSpec): Promise<DeploymentRef> {
    return this.serial.run(async () => {
      if (this.state.apps.has(app.id)) {
        throw new DroverError('APP_EXISTS', `An app with id [${app.id}] already exists.`);
      }
      return this.saveApp(app, undefined);
    });
  }

  putApp(app: AppSpec, _opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(async () => this.saveApp(app, this.state.apps.get(app.id)));
  }

  deleteApp(id: string, _opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(async () => {
      const app = this.state.apps.get(id);
      if (!app) throw new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
      await this.deps.store.deleteApp(id);
      this.state.apps.delete(id);
      this.state.failures.delete(id);
      this.state.delays.delete(id);
      this.state.waiting.delete(id);
      const now = this.deps.clock.now();
      for (const t of this.state.tasksOf(id))
        if (t.killRequestedAt === undefined) await requestKill(this.ctx, t, now);
      this.events.emit('app_terminated_event', { appId: id });
      return { deploymentId: this.deps.ids.uuid(), version: nextVersion(now, app.version) };
    });
  }

  killTasks(
    taskIds: string[],
    opts: { scale: boolean; force: boolean },
  ): Promise<{ tasks: TaskRecord[]; deployment?: DeploymentRef }> {
    return this.serial.run(async () => {
      const now = this.deps.clock.now();
      const tasks = taskIds
        .map((id) => this.state.tasks.get(id))
        .filter((t): t is TaskRecord => t !== undefined);
      let deployment: DeploymentRef | undefined;
      if (opts.scale) {
        const perApp = new Map<string, number>();
        for (const t of tasks)
          if (t.killRequestedAt === undefined) perApp.set(t.appId, (perApp.get(t.appId) ?? 0) + 1);
        for (const [appId, n] of perApp) {
          const app = this.state.apps.get(appId);
          if (!app) continue;
          deployment = await this.saveApp({ ...app, instances: Math.max(0, app.instances - n) }, app);
        }
      }
      for (const t of tasks) if (t.killRequestedAt === undefined) await requestKill(this.ctx, t, now);
      this.trigger();
      return { tasks, ...(deployment ? { deployment } : {}) };
    });
  }

  /** Marathon's restart: a new config version of the same definition, so every task is replaced. */
  restartApp(appId: string, _opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(async () => {
      const app = this.state.apps.get(appId);
      if (!app) throw new DroverError('APP_NOT_FOUND', `App '${appId}' does not exist`);
      const version = nextVersion(this.deps.clock.now(), app.version);
      const restarted: AppDefinition = {
        ...app,
        version,
        versionInfo: { lastScalingAt: version, lastConfigChangeAt: version },
      };
      await this.deps.store.putApp(restarted);
      this.state.apps.set(appId, restarted);
      this.state.delays.delete(appId);
      this.trigger();
      return { deploymentId: this.deps.ids.uuid(), version };
    });
  }

  /** Agent maintenance (agent-drain.ts). Throws NOT_FOUND. */
  drainAgent(agentId: string): Promise<AgentInfo> {
    return this.serial.run(() => setDraining(this.ctx, agentId, true));
  }

  undrainAgent(agentId: string): Promise<AgentInfo> {
    return this.serial.run(() => setDraining(this.ctx, agentId, false));
  }

  resetDelay(appId: string): Promise<void> {
    return this.serial.run(async () => {
      if (!this.state.apps.has(appId))
        throw new DroverError('APP_NOT_FOUND', `App '${appId}' does not exist`);
      this.state.delays.delete(appId);
      this.trigger();
    });
  }

  async readTaskLog(taskId: string, stream: LogStream, tail?: number): Promise<string> {
    const task = this.state.tasks.get(taskId);
    if (!task) throw new DroverError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`);
    return this.hub.readLog(task.agentId, taskId, stream, tail);
  }

  private servicePortsInUse(exceptAppId: string): Map<number, string> {
    const used = new Map<number, string>();
    for (const a of this.state.apps.values()) {
      if (a.id === exceptAppId) continue;
      for (const p of servicePortsOf(a)) if (p !== 0) used.set(p, a.id);
    }
    return used;
  }

  /** Stamps the version (scale-only changes keep lastConfigChangeAt) and persists. */
  private async saveApp(input: AppSpec, previous: AppDefinition | undefined): Promise<DeploymentRef> {
    const now = this.deps.clock.now();
    const app = assignServicePorts(input, {
      used: this.servicePortsInUse(input.id),
      ...(previous ? { previous } : {}),
    });
    const deploymentId = this.deps.ids.uuid();
    if (previous && sameDefinition(previous, app)) return { deploymentId, version: previous.version };
    const version = nextVersion(now, previous?.version);
    const scaleOnly = previous !== undefined && isScaleOnly(previous, app);
    const { version: _v, versionInfo: _vi, ...spec } = app as AppDefinition;
    const stamped: AppDefinition = {
      ...spec,
      version,
      versionInfo: {
        lastScalingAt: version,
        lastConfigChangeAt: scaleOnly && previous ? previous.versionInfo.lastConfigChangeAt : version,
      },
    };
    await this.deps.store.putApp(stamped);
    this.state.apps.set(stamped.id, stamped);
    // A new configuration forgives earlier crashes (docs/backoff.md).
    if (!scaleOnly) this.state.delays.delete(stamped.id);
    this.trigger();
    return { deploymentId, version };
  }
}
