/**
 * An in-memory MasterApi for route tests: it keeps apps, versions and tasks the way the real
 * master's contract says (APP_EXISTS, APP_NOT_FOUND, kills with scale lower instances), records
 * every mutating call, and can snapshot its state so tests can assert a bad request changed
 * nothing. Its writes take effect at once, so it never has a running deployment; group writes
 * and deployments are tested against the real Master through the simulation harness
 * (marathon/groups-deployments.test.ts): here a group request's draft is applied at once, each
 * changed app saved as a new version and each app left out deleted.
 */
import { EventBus } from '../../control-plane/events/event-bus.js';
import type {
  DeploymentRef,
  DeploymentStatus,
  GroupChangeOptions,
  GroupChangeResult,
  GroupRequest,
  MasterApi,
  MasterInfo,
  QueueEntry,
} from '../../control-plane/master-api.js';
import { type RootGroup, rootGroup } from '../../deploy/root-group.js';
import type { AgentInfo } from '../../domain/agent.js';
import type { LogStream, RouteBindFailure, RouteTable } from '../../domain/agent-protocol.js';
import type { AppDefinition, AppSpec } from '../../domain/app.js';
import { DroverError } from '../../domain/errors.js';
import type { TaskFailure, TaskRecord } from '../../domain/task.js';
import { droverVersion } from '../../platform/version.js';
import { routingTable } from '../../routing/routing-table.js';

export const FAKE_NOW = Date.parse('2026-01-02T03:04:05.000Z');
/** The root version of the fake's group tree. */
const V0 = new Date(FAKE_NOW).toISOString();

export interface FakeCall {
  method: string;
  args: unknown[];
}

export class FakeMaster implements MasterApi {
  readonly events = new EventBus(() => FAKE_NOW);
  readonly apps = new Map<string, AppDefinition>();
  readonly versions = new Map<string, AppDefinition[]>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly failures = new Map<string, TaskFailure>();
  readonly logs = new Map<string, Record<LogStream, string>>();
  readonly calls: FakeCall[] = [];
  queueEntries: QueueEntry[] = [];
  agentList: AgentInfo[] = [];
  /** What agents' routers report they cannot bind, as a test sets it. */
  bindFailures: Array<RouteBindFailure & { agentId: string }> = [];
  private seq = 0;

  /** Seeds an app as if created earlier (no call recorded). */
  seedApp(app: AppDefinition): void {
    this.apps.set(app.id, app);
    this.versions.set(app.id, [...(this.versions.get(app.id) ?? []), app]);
  }

  seedTask(task: TaskRecord): void {
    this.tasks.set(task.id, task);
  }

  /** Everything a request could change, for "state unchanged" assertions. */
  snapshot(): string {
    return JSON.stringify({
      apps: [...this.apps],
      versions: [...this.versions],
      tasks: [...this.tasks],
      calls: this.calls,
    });
  }

  listApps(): AppDefinition[] {
    return [...this.apps.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  getApp(id: string): AppDefinition | undefined {
    return this.apps.get(id);
  }
  /** Like the real master: job-run tasks are not Marathon's. */
  listTasks(appId?: string): TaskRecord[] {
    return [...this.tasks.values()].filter(
      (t) => t.jobRun === undefined && (appId === undefined || t.appId === appId),
    );
  }
  listAllTasks(): TaskRecord[] {
    return [...this.tasks.values()];
  }
  getTask(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }
  lastTaskFailure(appId: string): TaskFailure | undefined {
    return this.failures.get(appId);
  }
  async listAppVersions(appId: string): Promise<string[]> {
    return (this.versions.get(appId) ?? []).map((a) => a.version).reverse();
  }
  async getAppVersion(appId: string, version: string): Promise<AppDefinition | undefined> {
    return this.versions.get(appId)?.find((a) => a.version === version);
  }
  queue(): QueueEntry[] {
    return this.queueEntries;
  }
  agents(): AgentInfo[] {
    return this.agentList;
  }
  info(): MasterInfo {
    return {
      name: 'drover',
      version: droverVersion(),
      frameworkId: 'fw-1',
      leader: '127.0.0.1:8080',
      electedAt: new Date(FAKE_NOW).toISOString(),
      http: { host: '127.0.0.1', port: 8080 },
      config: {
        ha: false,
        reconcileIntervalMs: 1000,
      },
    };
  }

  async createApp(app: AppSpec): Promise<DeploymentRef> {
    this.calls.push({ method: 'createApp', args: [app] });
    if (this.apps.has(app.id))
      throw new DroverError('APP_EXISTS', `An app with id [${app.id}] already exists.`);
    return this.save(app);
  }
  async putApp(app: AppSpec, opts: { force: boolean }): Promise<DeploymentRef> {
    this.calls.push({ method: 'putApp', args: [app, opts] });
    return this.save(app);
  }
  async deleteApp(id: string, opts: { force: boolean }): Promise<DeploymentRef> {
    this.calls.push({ method: 'deleteApp', args: [id, opts] });
    if (!this.apps.delete(id)) throw new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
    return { deploymentId: this.nextId(), version: this.nextVersion() };
  }
  async killTasks(
    taskIds: string[],
    opts: { scale: boolean; force: boolean },
  ): Promise<{ tasks: TaskRecord[]; deployment?: DeploymentRef }> {
    this.calls.push({ method: 'killTasks', args: [taskIds, opts] });
    const killed: TaskRecord[] = [];
    for (const id of taskIds) {
      const t = this.tasks.get(id);
      if (!t) continue;
      const k: TaskRecord = { ...t, state: 'TASK_KILLING', killRequestedAt: FAKE_NOW };
      this.tasks.set(id, k);
      killed.push(k);
    }
    if (!opts.scale) return { tasks: killed };
    let deployment: DeploymentRef | undefined;
    for (const t of killed) {
      const app = this.apps.get(t.appId);
      if (app) deployment = this.save({ ...app, instances: Math.max(0, app.instances - 1) });
    }
    return { tasks: killed, ...(deployment ? { deployment } : {}) };
  }
  async resetDelay(appId: string): Promise<void> {
    this.calls.push({ method: 'resetDelay', args: [appId] });
    if (!this.apps.has(appId)) throw new DroverError('APP_NOT_FOUND', `App '${appId}' does not exist`);
  }
  async readTaskLog(taskId: string, stream: LogStream, tail?: number): Promise<string> {
    // A task with logs but no record has ended: its agent still serves its sandbox.
    if (!this.tasks.has(taskId) && !this.logs.has(taskId)) {
      throw new DroverError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`);
    }
    const text = this.logs.get(taskId)?.[stream] ?? '';
    if (tail === undefined) return text;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return (
      lines.slice(Math.max(0, lines.length - tail)).join('\n') + (tail > 0 && lines.length > 0 ? '\n' : '')
    );
  }
  async restartApp(appId: string, opts: { force: boolean }): Promise<DeploymentRef> {
    this.calls.push({ method: 'restartApp', args: [appId, opts] });
    const app = this.apps.get(appId);
    if (!app) throw new DroverError('APP_NOT_FOUND', `App '${appId}' does not exist`);
    return this.save(app);
  }

  /** The table the real master pushes: computed from the apps and tasks as they are now. */
  routingTable(): RouteTable {
    return routingTable(this.apps.values(), this.tasks.values());
  }
  routeBindFailures(): Array<RouteBindFailure & { agentId: string }> {
    return this.bindFailures;
  }
  /** The fake's table never changes by itself: a long poll answers at once. */
  routeTableVersion(): number {
    return 1;
  }
  async routeTableAfter(): Promise<void> {}

  async drainAgent(id: string): Promise<AgentInfo> {
    return this.setDraining(id, true);
  }
  async undrainAgent(id: string): Promise<AgentInfo> {
    return this.setDraining(id, false);
  }

  deployments(): DeploymentStatus[] {
    return [];
  }
  deploymentIdsFor(_appId: string): string[] {
    return [];
  }
  async cancelDeployment(id: string, force: boolean): Promise<DeploymentRef | undefined> {
    this.calls.push({ method: 'cancelDeployment', args: [id, force] });
    throw new DroverError('DEPLOYMENT_NOT_FOUND', `Deployment '${id}' does not exist`);
  }
  /** The groups implied by the app ids. */
  rootGroup(): RootGroup {
    return rootGroup(V0, [], this.apps.values());
  }
  async groupVersions(_groupId: string): Promise<string[]> {
    return [];
  }
  async groupAtVersion(_groupId: string, _version: string): Promise<RootGroup | undefined> {
    return undefined;
  }
  async changeGroups(request: GroupRequest, opts: GroupChangeOptions): Promise<GroupChangeResult> {
    this.calls.push({ method: 'changeGroups', args: [opts] });
    const root = this.rootGroup();
    const { draft } = request(root);
    if (opts.dryRun) return { plan: [] };
    let last: DeploymentRef | undefined;
    for (const [id, app] of draft.apps) if (root.apps.get(id) !== app) last = this.save(app);
    for (const id of root.apps.keys()) if (!draft.apps.has(id)) this.apps.delete(id);
    return { deployment: last ?? { deploymentId: this.nextId(), version: this.nextVersion() } };
  }

  private setDraining(id: string, draining: boolean): AgentInfo {
    this.calls.push({ method: draining ? 'drainAgent' : 'undrainAgent', args: [id] });
    const i = this.agentList.findIndex((a) => a.id === id);
    if (i < 0) throw new DroverError('NOT_FOUND', `Agent '${id}' does not exist`);
    this.agentList[i] = { ...this.agentList[i]!, draining };
    return this.agentList[i]!;
  }

  private save(app: AppSpec): DeploymentRef {
    const version = this.nextVersion();
    const stamped: AppDefinition = {
      ...app,
      version,
      versionInfo: { lastScalingAt: version, lastConfigChangeAt: version },
    };
    this.apps.set(app.id, stamped);
    this.versions.set(app.id, [...(this.versions.get(app.id) ?? []), stamped]);
    return { deploymentId: this.nextId(), version };
  }

  private nextId(): string {
    this.seq += 1;
    return `deployment-${this.seq}`;
  }

  private nextVersion(): string {
    this.seq += 1;
    return new Date(FAKE_NOW + this.seq * 1000).toISOString();
  }
}
