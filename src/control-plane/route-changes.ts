/**
 * Which apps and tasks changed since the routing table last took them in (routing/route-book.ts):
 * the master's maps note every write here, so RoutePush updates only the routes those changes
 * touch instead of rebuilding the table from every app and task after each change.
 *
 * Nobody takes them on a warm standby (leadership/warm-standby.ts) until it leads: past
 * `MAX_TASK_CHANGES` noted tasks (ended tasks' ids would pile up there for as long as it follows)
 * it notes "everything" instead, and the first update rebuilds every app's routes.
 */
import type { RouteChanges } from '../routing/route-book.js';

const MAX_TASK_CHANGES = 100_000;

export class ChangedRoutes {
  private apps = new Set<string>();
  /** Task id -> its app's id (a deleted task is no longer there to ask). */
  private tasks = new Map<string, string>();
  private everything = false;

  app(id: string): void {
    this.apps.add(id);
  }

  task(id: string, appId: string): void {
    if (this.everything) return;
    this.tasks.set(id, appId);
    if (this.tasks.size <= MAX_TASK_CHANGES) return;
    this.everything = true;
    this.tasks = new Map();
  }

  get empty(): boolean {
    return !this.everything && this.apps.size === 0 && this.tasks.size === 0;
  }

  /** What changed since the last call; `appIds` lists every app, for "everything". */
  take(appIds: () => Iterable<string>): RouteChanges {
    const taken = { apps: this.apps, tasks: this.tasks };
    if (this.everything) for (const id of appIds()) taken.apps.add(id);
    this.apps = new Set();
    this.tasks = new Map();
    this.everything = false;
    return taken;
  }
}
