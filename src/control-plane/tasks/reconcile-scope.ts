/**
 * Which apps a reconcile pass visits. A pass used to walk every task of the cluster (reconcileAppOf
 * mapping each, the kill orders sorting them): at 10,000 agents and 100,000 tasks that was 16% of
 * the master's CPU and much of its garbage, once per burst of status updates.
 *
 * The plan of an app (scheduler/reconcile-plan.ts, app by app) depends only on the app, its
 * tasks, its phase (running deployments), its launch delay and which of its agents drain. A pass
 * acts on what it plans: a launch or kill writes tasks, so the app changes and is visited again.
 * So an app none of that changed for since the previous pass would get the same plan as then, and
 * then's was already carried out, except what could not be: launches over the per-pass cap,
 * unplaced or delayed ones, all kept in `state.waiting`. A pass therefore visits:
 *   - apps whose definition or tasks changed since the previous pass began (AppChanges, noted by
 *     the master's maps on every write; agent-drain.ts notes the apps of a draining agent);
 *   - apps that still wait for launches (state.waiting);
 *   - apps whose phase changed (a deployment moved);
 * and every app once per FULL_SWEEP_MS, for what moves with time alone (kills re-sent after their
 * grace, launch delays running out). Property-tested against the full pass
 * (reconcile-scope.property.test.ts: same plan for random states and changes).
 */
import type { AppPhase } from '../deployments/deployments-state.js';

/** Every app is visited at least this often. */
export const FULL_SWEEP_MS = 5_000;

/** Which apps were written (the app, or one of its tasks) since a mark. */
export class AppChanges {
  private readonly lastWrite = new Map<string, number>();
  private counter = 0;

  touch(appId: string): void {
    this.lastWrite.set(appId, ++this.counter);
  }

  /** A mark: apps touched after it are `since(mark)`. */
  mark(): number {
    return this.counter;
  }

  /** Apps touched after `mark` (O(apps touched ever); forget() drops the ones gone). */
  since(mark: number): string[] {
    const out: string[] = [];
    for (const [appId, at] of this.lastWrite) if (at > mark) out.push(appId);
    return out;
  }

  /** Drops apps noted at or before `mark` for which `keep` says no (deleted apps, ended job runs). */
  forget(mark: number, keep: (appId: string) => boolean): void {
    for (const [appId, at] of this.lastWrite) if (at <= mark && !keep(appId)) this.lastWrite.delete(appId);
  }
}

/** What the previous pass leaves for the next to compare with. */
export class PassMemory {
  lastFullAt: number | undefined;
  /** AppChanges' mark when the previous pass began. */
  mark = 0;
  phases: ReadonlyMap<string, AppPhase> = new Map();
}

export interface ScopeInput {
  now: number;
  /** When the last full pass began; undefined: none yet. */
  lastFullAt: number | undefined;
  changed: Iterable<string>;
  waiting: Iterable<string>;
  phases: ReadonlyMap<string, AppPhase>;
  phasesBefore: ReadonlyMap<string, AppPhase>;
}

/** 'all', or the app ids to visit (some may no longer exist: their tasks are orphans). Pure. */
export function appsToVisit(i: ScopeInput): 'all' | Set<string> {
  if (i.lastFullAt === undefined || i.now - i.lastFullAt >= FULL_SWEEP_MS) return 'all';
  const out = new Set<string>(i.changed);
  for (const id of i.waiting) out.add(id);
  for (const [id, phase] of i.phases) if (i.phasesBefore.get(id) !== phase) out.add(id);
  for (const id of i.phasesBefore.keys()) if (!i.phases.has(id)) out.add(id);
  return out;
}
