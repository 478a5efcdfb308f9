/**
 * What placement knows about each app's tasks: per agent (for spreading) and per field value (for
 * constraints), kept up to date as placements are made so no check rescans the task list.
 * Constraints count only tasks of the same app, as Marathon's do.
 */
import type { FieldIndex } from './field-values.js';
import type { PlacedTask } from './placement-types.js';

/** An app's tasks grouped by one field's value: what UNIQUE, MAX_PER, GROUP_BY and CLUSTER read. */
export class FieldGroups {
  /** Value id -> tasks. -1 groups tasks on agents without the field (Marathon's `None` group). */
  private readonly counts = new Map<number, number>();
  /** Task count -> groups with that count, so the smallest group is known without a scan. */
  private readonly groupsWithCount = new Map<number, number>();
  private smallest = 0;
  /** Value id of the app's first task (what CLUSTER without a value sticks to); undefined: no tasks. */
  first: number | undefined;

  get groupCount(): number {
    return this.counts.size;
  }

  /** Tasks in the smallest group; 0 when there are no groups. */
  get minCount(): number {
    return this.smallest;
  }

  count(valueId: number): number {
    return this.counts.get(valueId) ?? 0;
  }

  add(valueId: number): void {
    if (this.first === undefined) this.first = valueId;
    const before = this.counts.get(valueId) ?? 0;
    this.counts.set(valueId, before + 1);
    if (before > 0) this.shift(before, -1);
    this.shift(before + 1, 1);
    if (before === 0) this.smallest = 1;
    else if (before === this.smallest && !this.groupsWithCount.has(before)) this.smallest = before + 1;
  }

  private shift(count: number, delta: number): void {
    const n = (this.groupsWithCount.get(count) ?? 0) + delta;
    if (n === 0) this.groupsWithCount.delete(count);
    else this.groupsWithCount.set(count, n);
  }
}

export class AppTasks {
  private readonly perAgent = new Map<number, number>();
  private readonly groups = new Map<FieldIndex, FieldGroups>();

  /** @param history agent index of each of the app's tasks, oldest first. */
  constructor(private readonly history: number[]) {
    for (const a of history) this.perAgent.set(a, (this.perAgent.get(a) ?? 0) + 1);
  }

  /** Tasks of the app, placed before or during this call. Changes exactly when the app gains one. */
  get taskCount(): number {
    return this.history.length;
  }

  countOn(agent: number): number {
    return this.perAgent.get(agent) ?? 0;
  }

  groupsBy(field: FieldIndex): FieldGroups {
    let g = this.groups.get(field);
    if (!g) {
      g = new FieldGroups();
      for (const a of this.history) g.add(field.valueIds[a]!);
      this.groups.set(field, g);
    }
    return g;
  }

  add(agent: number): void {
    this.history.push(agent);
    this.perAgent.set(agent, (this.perAgent.get(agent) ?? 0) + 1);
    for (const [field, g] of this.groups) g.add(field.valueIds[agent]!);
  }
}

/** AppTasks per app id, seeded from the already-placed tasks on known agents. */
export class AppRegistry {
  private readonly apps = new Map<string, AppTasks>();
  private readonly placedByApp = new Map<string, number[]>();

  /**
   * Placed tasks on agents missing from the input are left out: their field values are unknown.
   * Callers pass every known agent (non-accepting ones too) so those tasks still count.
   */
  /** Only apps in `appIds` (those with requests) are indexed: the others cannot matter. */
  constructor(
    placed: readonly PlacedTask[],
    agentIndex: ReadonlyMap<string, number>,
    appIds: ReadonlySet<string>,
  ) {
    for (const t of placed) {
      if (!appIds.has(t.appId)) continue;
      const a = agentIndex.get(t.agentId);
      if (a === undefined) continue;
      const list = this.placedByApp.get(t.appId);
      if (list) list.push(a);
      else this.placedByApp.set(t.appId, [a]);
    }
  }

  get(appId: string): AppTasks {
    let app = this.apps.get(appId);
    if (!app) {
      app = new AppTasks(this.placedByApp.get(appId) ?? []);
      this.apps.set(appId, app);
    }
    return app;
  }
}
