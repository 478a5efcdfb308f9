/**
 * Which apps and tasks changed since the routing table last took them in (routing/route-book.ts):
 * the master's maps note every write here, so RoutePush updates only the routes those changes
 * touch instead of rebuilding the table from every app and task after each change.
 */
import type { RouteChanges } from '../routing/route-book.js';

export class ChangedRoutes {
  private apps = new Set<string>();
  /** Task id -> its app's id (a deleted task is no longer there to ask). */
  private tasks = new Map<string, string>();

  app(id: string): void {
    this.apps.add(id);
  }

  task(id: string, appId: string): void {
    this.tasks.set(id, appId);
  }

  get empty(): boolean {
    return this.apps.size === 0 && this.tasks.size === 0;
  }

  /** What changed since the last call. */
  take(): RouteChanges {
    const taken = { apps: this.apps, tasks: this.tasks };
    this.apps = new Set();
    this.tasks = new Map();
    return taken;
  }
}
