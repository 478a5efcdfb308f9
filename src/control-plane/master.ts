/**
 * The master: owns cluster state, runs the reconcile loop and answers the API. Every state change
 * runs through one Serial queue; reads come from memory.
 */
import type { RootGroup } from '../deploy/root-group.js';
import type { AgentInfo } from '../domain/agent.js';
import type { LogStream, MasterLink, RouteTable } from '../domain/agent-protocol.js';
import type { AppDefinition, AppSpec } from '../domain/app.js';
import { DroverError } from '../domain/errors.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { CancelTimer } from '../platform/clock.js';
import { droverVersion } from '../platform/version.js';
import { GroupCommit } from '../store/group-commit.js';
import { setDraining } from './agents/agent-drain.js';
import { AgentHub } from './agents/agent-hub.js';
import { watchAgents } from './agents/agent-loss.js';
import { admitAgent, reconcileAgentTasks } from './agents/agent-registration.js';
import { type AgentBindFailure, RoutePush } from './agents/route-push.js';
import type { MasterContext, MasterDeps } from './context.js';
import * as apps from './deployments/app-deployments.js';
import { deployChange } from './deployments/deploy-change.js';
import { advanceDeployments, cancelDeployment } from './deployments/deployment-runner.js';
import { deploymentStatus } from './deployments/deployment-status.js';
import type { DeploymentsState } from './deployments/deployments-state.js';
import { groupVersions, rootWhenGroupWas } from './deployments/root-versions.js';
import { EventBus } from './events/event-bus.js';
import { JobRuntime } from './jobs/job-runtime.js';
import { type LoadedState, loadState } from './loaded-state.js';
import type {
  DeploymentRef,
  DeploymentStatus,
  GroupChangeOptions,
  GroupChangeResult,
  GroupRequest,
  MasterApi,
  MasterInfo,
  QueueEntry,
} from './master-api.js';
import type { MasterState } from './master-state.js';
import { suspendOutOfBounds } from './out-of-bounds.js';
import { PassTrigger } from './pass-trigger.js';
import { Serial } from './serial.js';
import type { ViewRevision } from './state-revision.js';
import { HealthCheckRegistry } from './tasks/health-check-registry.js';
import { launchQueue } from './tasks/launch-queue.js';
import { reconcilePass } from './tasks/reconcile-pass.js';
import { applyStatusUpdate } from './tasks/task-lifecycle.js';

/** Reconcile/advance rounds per pass: enough for a plan's immediate steps (Start, then Scale). */
const MAX_ROUNDS_PER_PASS = 8;

export class Master implements MasterApi {
  /** Announces health checks added and removed (add_health_check_event, remove_health_check_event). */
  private readonly healthChecks = new HealthCheckRegistry();
  // Agents' routers get the changed routes once per burst of changes (serial.ts), paced so pushing
  // stays a bounded share of the master's time; a kill pushes at once (tasks/launcher.ts).
  private readonly serial = new Serial(
    () => this.routes.pushChanges(),
    (push) => this.routes.schedule(push),
  );
  private readonly routes: RoutePush;
  private readonly ctx: MasterContext;
  private readonly hub: AgentHub;
  /** Every state change is announced here (SSE, metrics, tests). */
  readonly events: EventBus;
  private running = false;
  private tickTimer: CancelTimer | undefined;
  /** One queued reconcile pass per burst of changes (pass-trigger.ts). */
  private readonly passTrigger: PassTrigger;
  private readonly electedAt: number;
  private readonly frameworkId: string;
  private readonly state: MasterState;
  /** Groups and running deployments (deployments/deployments-state.ts). */
  private readonly deploymentsState: DeploymentsState;
  /** Scheduled jobs: the runtime in ./jobs/ owns them; the master only starts, stops and routes. */
  readonly jobs: JobRuntime;
  /** Agents' registrations and status updates, one transaction per batch (store/group-commit.ts). */
  private readonly writes: GroupCommit;

  /** Loads everything the leader keeps in memory, then builds the Master on it. */
  static async create(deps: MasterDeps): Promise<Master> {
    return Master.fromLoaded(deps, await loadState(deps.store));
  }

  /**
   * Builds the Master on state loaded already (a warm standby's, leadership/warm-standby.ts). The
   * Master owns it from now on: it changes it in place.
   */
  static fromLoaded(deps: MasterDeps, loaded: LoadedState): Master {
    suspendOutOfBounds(loaded.state.apps, deps.logger);
    return new Master(deps, loaded);
  }

  private constructor(
    private readonly deps: MasterDeps,
    loaded: LoadedState,
  ) {
    this.state = loaded.state;
    this.deploymentsState = loaded.deployments;
    this.writes = new GroupCommit(deps.store, () => deps.clock.now(), {
      // On the next turn of the event loop: the agents' messages read in this one join the batch
      // (run at once, each message was a batch of its own, and a commit of its own on SQLite).
      schedule: (flush) => new Promise<void>((turn) => setImmediate(turn)).then(() => this.serial.run(flush)),
      onFailure: (err, writes) => {
        // Memory may hold writes that were rolled back: only a reload from the store is right.
        deps.logger.error({ err, writes }, 'a batch of agent writes failed: this term ends');
        deps.onStoreFailure?.(err);
      },
    });
    this.hub = new AgentHub(
      {
        // Registrations and status updates are group-committed: all that arrive while the queue
        // is busy go to the store in one transaction, and are answered once it committed.
        register: (msg, trusted) => this.writes.submit(() => admitAgent(this.ctx, msg, trusted)),
        registered: (agentId, msg) =>
          this.writes.submit(async () => {
            await reconcileAgentTasks(this.ctx, agentId, msg);
            this.routes.sendTo(agentId);
          }),
        statusUpdate: (agentId, msg) => this.writes.submit(() => applyStatusUpdate(this.ctx, agentId, msg)),
        heartbeat: (agentId) => {
          const a = this.state.agents.get(agentId);
          if (a) a.lastHeartbeatAt = this.deps.clock.now();
        },
        failed: (agentId, what, err) =>
          this.deps.logger.error({ err, agentId, what }, 'agent message failed: dropping the link'),
        routeStatus: (agentId, failures) => this.routes.reported(agentId, failures),
        routesApplied: (agentId, version) => this.routes.applied(agentId, version),
        disconnected: (agentId) => {
          this.routes.disconnected(agentId);
          const a = this.state.agents.get(agentId);
          if (a) a.connected = false;
        },
      },
      deps.clock,
      deps.ids,
    );
    this.events = deps.events ?? new EventBus(() => deps.clock.now());
    this.routes = new RoutePush(this.hub, this.state, this.events, {
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.routeAckTimeoutMs !== undefined ? { ackTimeoutMs: deps.routeAckTimeoutMs } : {}),
    });
    this.ctx = {
      deps,
      state: this.state,
      hub: this.hub,
      events: this.events,
      trigger: () => this.trigger(),
      routes: this.routes,
      deployments: this.deploymentsState,
      // The job runtime is built on this context: its task updates reach it through here.
      jobTasks: {
        statusUpdate: (msg, task) => this.jobs.statusUpdate(msg, task),
        taskGone: (task, finalState, message) => this.jobs.taskGone(task, finalState, message),
      },
    };
    this.jobs = new JobRuntime(this.ctx, this.serial, loaded.jobs, deps.jobs);
    this.passTrigger = new PassTrigger(deps.clock, () => {
      void this.reconcileNow().catch((err) => this.deps.logger.error({ err }, 'reconcile pass failed'));
    });
    this.electedAt = deps.clock.now();
    this.frameworkId = deps.ids.uuid();
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
    this.passTrigger.cancel();
    await this.serial.run(async () => undefined);
    this.hub.closeAll();
  }

  /** `trusted`: an in-process link nobody else can open (`drover up`); see AgentHubEvents.register. */
  connectAgent(link: MasterLink, opts: { trusted?: boolean } = {}): void {
    this.hub.accept(link, opts);
  }

  /** One reconcile pass now, then deployments move on; a finished step changes phases: again. */
  reconcileNow(): Promise<void> {
    return this.serial.run(async () => {
      this.passTrigger.started();
      if (this.running) await watchAgents(this.ctx, this.electedAt);
      for (let round = 0; this.running && round < MAX_ROUNDS_PER_PASS; round++) {
        // Capped: 8 rounds of 2,000 launches held the queue while RUNNING acks waited behind.
        const capped = await reconcilePass(this.ctx);
        if (!(await advanceDeployments(this.ctx, this.deploymentsState)) || capped) break;
      }
      if (this.running) await this.healthChecks.reconcile(this.ctx);
    });
  }

  private trigger(): void {
    if (this.running) this.passTrigger.request();
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

  /** Moves whenever apps, tasks, last failures or running deployments change (api/cached-view.ts). */
  viewRevision(): ViewRevision {
    return { source: this.state, value: this.state.revision.value + this.deploymentsState.revision.value };
  }

  /** The routing table the agents' routers have (Drover extension: GET /v2/routes). */
  routingTable(): RouteTable {
    return this.routes.table();
  }

  /**
   * The table's version and a long poll for the next one (`GET /v2/routes?after=V`); `router`
   * names a `drover router` that, by asking, says it has applied `after`.
   */
  routeTableAfter(after: number, opts: { waitMs: number; router?: string; signal?: AbortSignal }) {
    if (opts.router !== undefined) this.routes.externalRouterApplied(opts.router, after);
    return this.routes.changedAfter(after, opts.waitMs, opts.signal);
  }

  routeTableVersion(): number {
    return this.routes.version();
  }

  /** Service ports agents' routers cannot bind right now (retried by the routers). */
  routeBindFailures(): AgentBindFailure[] {
    return this.routes.bindFailures();
  }

  listApps(): AppDefinition[] {
    return [...this.state.apps.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  getApp(id: string): AppDefinition | undefined {
    return this.state.apps.get(id);
  }

  listTasks(appId?: string): TaskRecord[] {
    // Job run tasks are Chronos's, not Marathon's: /v2 never lists them.
    const tasks = appId === undefined ? [...this.state.tasks.values()] : this.state.tasks.ofApp(appId);
    return tasks.filter((t) => t.jobRun === undefined);
  }

  listAllTasks(): TaskRecord[] {
    return [...this.state.tasks.values()];
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
    return launchQueue(this.state, this.deps.clock.now());
  }

  agents(): AgentInfo[] {
    return [...this.state.agents.values()];
  }

  info(): MasterInfo {
    const leader = `${this.deps.http.host}:${this.deps.http.port}`;
    return {
      name: 'drover',
      version: droverVersion(),
      frameworkId: this.frameworkId,
      leader,
      electedAt: new Date(this.electedAt).toISOString(),
      http: this.deps.http,
      config: {
        ha: this.deps.ha ?? false,
        reconcileIntervalMs: this.deps.reconcileIntervalMs ?? 1000,
      },
    };
  }

  // ---- writes: every deploying change is a deployment (app-deployments.ts, deploy-change.ts) ----

  createApp(app: AppSpec): Promise<DeploymentRef> {
    return this.serial.run(() => apps.createApp(this.deploying(), app));
  }

  putApp(app: AppSpec, opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(() => apps.putApp(this.deploying(), app, opts.force));
  }

  deleteApp(id: string, opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(() => apps.deleteApp(this.deploying(), id, opts.force));
  }

  killTasks(
    taskIds: string[],
    opts: { scale: boolean; force: boolean },
  ): Promise<{ tasks: TaskRecord[]; deployment?: DeploymentRef }> {
    return this.serial.run(() => apps.killTasks(this.deploying(), taskIds, opts));
  }

  /** Marathon's restart: a new config version of the same definition, so every task is replaced. */
  restartApp(appId: string, opts: { force: boolean }): Promise<DeploymentRef> {
    return this.serial.run(() => apps.restartApp(this.deploying(), appId, opts.force));
  }

  // ---- deployments and groups ----

  deployments(): DeploymentStatus[] {
    const app = (id: string) => this.state.apps.get(id);
    const tasks = (id: string) => this.state.tasksOf(id);
    return this.deploymentsState.list().map((d) => deploymentStatus(d, app, tasks));
  }

  deploymentIdsFor(appId: string): string[] {
    return this.deploymentsState.deploymentIdsFor(appId);
  }

  cancelDeployment(id: string, force: boolean): Promise<DeploymentRef | undefined> {
    return this.serial.run(() => cancelDeployment(this.ctx, this.deploymentsState, id, force));
  }

  rootGroup(): RootGroup {
    return this.deploymentsState.root(this.state.apps);
  }

  groupVersions(groupId: string): Promise<string[]> {
    return groupVersions(this.deps.store, groupId);
  }

  groupAtVersion(groupId: string, version: string): Promise<RootGroup | undefined> {
    return rootWhenGroupWas(this.deps.store, groupId, version);
  }

  changeGroups(request: GroupRequest, opts: GroupChangeOptions): Promise<GroupChangeResult> {
    return this.serial.run(async () => {
      const result = await deployChange(this.ctx, this.deploymentsState, {
        draft: (root) => request(root),
        force: opts.force,
        dryRun: opts.dryRun,
        groupId: opts.groupId,
      });
      return result.kind === 'dryRun' ? { plan: result.steps } : { deployment: result.ref };
    });
  }

  private deploying(): { ctx: MasterContext; ds: DeploymentsState } {
    return { ctx: this.ctx, ds: this.deploymentsState };
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

  /**
   * A task's log, read from the agent that ran it: a live task's, or one that ended recently (the
   * last ones, and each app's lastTaskFailure), whose sandbox its agent still keeps.
   */
  async readTaskLog(taskId: string, stream: LogStream, tail?: number): Promise<string> {
    const agentId = this.state.agentThatRan(taskId);
    if (agentId === undefined) throw new DroverError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`);
    return this.hub.readLog(agentId, taskId, stream, tail);
  }
}
