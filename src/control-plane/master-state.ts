/**
 * The leader's working copy of cluster state. Loaded from the store at start and written through:
 * every change is persisted first, then applied here, so a crash never leaves memory ahead of disk.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { LaunchDelay } from '../scheduler/backoff.js';
import type { AgentRejection } from '../scheduler/placement-types.js';
import type { Store } from '../store/port.js';
import { ChangedRoutes } from './route-changes.js';
import { RevisedMap, StateRevision } from './state-revision.js';
import { EndedTasks } from './tasks/ended-tasks.js';
import { AppChanges, PassMemory } from './tasks/reconcile-scope.js';
import { TaskIndex } from './tasks/task-index.js';

export interface WaitingInfo {
  /** Epoch ms the app first had instances it could not place. */
  since: number;
  rejections: AgentRejection[];
  count: number;
}

export class MasterState {
  /** Counts writes to what the API's cached views show: apps, tasks, last failures. */
  readonly revision = new StateRevision();
  /** Which apps and tasks changed since the routing table took them in (route-push.ts). */
  readonly routeChanges = new ChangedRoutes();
  /** Which apps changed (the app or its tasks): the reconcile pass visits those (tasks/reconcile-scope.ts). */
  readonly appChanges = new AppChanges();
  /** What the last reconcile pass saw, for the next to compare with (tasks/reconcile-pass.ts). */
  readonly passMemory = new PassMemory();
  readonly apps = new RevisedMap<string, AppDefinition>(this.revision, (id) => {
    this.routeChanges.app(id);
    this.appChanges.touch(id);
  });
  /** By id, indexed by app and agent (tasks/task-index.ts). */
  readonly tasks = new TaskIndex(this.revision, (t) => {
    this.routeChanges.task(t.id, t.appId);
    this.appChanges.touch(t.appId);
  });
  readonly agents = new Map<string, AgentInfo>();
  readonly failures = new RevisedMap<string, TaskFailure>(this.revision);
  /** Backoff is kept in memory, as Marathon does: a restart forgives crash loops. */
  readonly delays = new Map<string, LaunchDelay>();
  readonly waiting = new Map<string, WaitingInfo>();
  /** Where recently ended tasks ran, so their logs can still be read from their sandboxes. */
  readonly ended = new EndedTasks();

  static async load(store: Store): Promise<MasterState> {
    const s = new MasterState();
    // A fixed number of queries, whatever the size of the cluster (a new leader's failover time).
    const [apps, failures, tasks, agents] = await Promise.all([
      store.listApps(),
      store.listTaskFailures(),
      store.listTasks(),
      store.listAgents(),
    ]);
    for (const app of apps) s.apps.set(app.id, app);
    // Only apps that still exist: deleteApp removes the failure with the app.
    for (const f of failures) if (s.apps.has(f.appId)) s.failures.set(f.appId, f);
    for (const t of tasks) s.tasks.set(t.id, t);
    for (const a of agents) s.agents.set(a.id, { ...a, connected: false });
    return s;
  }

  tasksOf(appId: string): TaskRecord[] {
    return this.tasks.ofApp(appId);
  }

  tasksOn(agentId: string): TaskRecord[] {
    return this.tasks.onAgent(agentId);
  }

  /** The agent that ran a task: a live one, one that ended recently, or an app's last failure. */
  agentThatRan(taskId: string): string | undefined {
    const known = this.tasks.get(taskId)?.agentId ?? this.ended.agentOf(taskId);
    if (known !== undefined) return known;
    for (const f of this.failures.values()) if (f.taskId === taskId) return f.slaveId;
    return undefined;
  }
}
