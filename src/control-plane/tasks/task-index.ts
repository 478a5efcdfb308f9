/**
 * The leader's tasks by id, also indexed by app and by agent. A Map (counting its writes for the
 * API's cached views, state-revision.ts), so every caller that sets and
 * deletes tasks keeps the indexes right without knowing of them. `tasksOf(app)` used to filter
 * every task of the cluster, once per app per reconcile pass: a cost per update that grew with
 * the cluster.
 */
import type { TaskRecord } from '../../domain/task.js';
import { RevisedMap, type StateRevision } from '../state-revision.js';
import { AgentUsage } from './agent-usage.js';

export class TaskIndex extends RevisedMap<string, TaskRecord> {
  private readonly apps = new Map<string, Map<string, TaskRecord>>();
  private readonly agents = new Map<string, Map<string, TaskRecord>>();
  /** What the live tasks on each agent hold, for placement (agents/cluster-capacity.ts). */
  readonly usage = new AgentUsage();

  /** `taskTouched` hears of every task set or deleted (its app's routes may change: route-changes.ts). */
  constructor(
    revision: StateRevision,
    private readonly taskTouched?: (task: TaskRecord) => void,
  ) {
    super(revision);
  }

  override set(id: string, task: TaskRecord): this {
    // Map's constructor calls set before the fields exist; it is only ever called empty here.
    if (this.apps === undefined) return super.set(id, task);
    // An update keeps the task's place in its app's and agent's order, as Map.set does.
    const old = super.get(id);
    if (old && old.appId !== task.appId) remove(this.apps, old.appId, id);
    if (old && old.agentId !== task.agentId) remove(this.agents, old.agentId, id);
    this.usage.change(old, task);
    super.set(id, task);
    this.taskTouched?.(task);
    add(this.apps, task.appId, id, task);
    add(this.agents, task.agentId, id, task);
    return this;
  }

  override delete(id: string): boolean {
    const old = super.get(id);
    if (old) {
      this.unindex(id, old);
      this.usage.change(old, undefined);
      this.taskTouched?.(old);
    }
    return super.delete(id);
  }

  override clear(): void {
    if (this.taskTouched) for (const t of this.values()) this.taskTouched(t);
    this.apps.clear();
    this.agents.clear();
    this.usage.clear();
    super.clear();
  }

  /** The app's tasks, in the order of the whole map (first set first). */
  ofApp(appId: string): TaskRecord[] {
    return [...(this.apps.get(appId)?.values() ?? [])];
  }

  onAgent(agentId: string): TaskRecord[] {
    return [...(this.agents.get(agentId)?.values() ?? [])];
  }

  private unindex(id: string, task: TaskRecord): void {
    remove(this.apps, task.appId, id);
    remove(this.agents, task.agentId, id);
  }
}

function add(index: Map<string, Map<string, TaskRecord>>, key: string, id: string, task: TaskRecord): void {
  const m = index.get(key);
  if (m) m.set(id, task);
  else index.set(key, new Map([[id, task]]));
}

function remove(index: Map<string, Map<string, TaskRecord>>, key: string, id: string): void {
  const m = index.get(key);
  if (!m) return;
  m.delete(id);
  if (m.size === 0) index.delete(key);
}
