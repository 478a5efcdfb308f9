/**
 * Job dependencies as a DAG: validation (unknown parents, cycles), who the children are, when a
 * child is ready, and how children are rewired when a parent is deleted.
 *
 * Readiness: a child fires when every parent has succeeded since the child last started. The
 * control plane persists, per child, the set of parents that have succeeded since (its
 * "progress"), adds a parent on success (or on failure when the parent has softError) and clears
 * the set when the child fires, so progress survives restarts.
 */

export interface DagJob {
  name: string;
  /** Empty for scheduled jobs. */
  parents: readonly string[];
}

/** Parents named by `job` that are not among `known` job names. */
export function unknownParents(job: DagJob, known: ReadonlySet<string>): string[] {
  return job.parents.filter((p) => !known.has(p));
}

/** A cycle as a path (`a -> b -> a`), or undefined when the graph is acyclic. */
export function findCycle(jobs: readonly DagJob[]): string[] | undefined {
  const parentsOf = new Map(jobs.map((j) => [j.name, j.parents]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const p of parentsOf.get(name) ?? []) {
      const found = visit(p);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const j of jobs) {
    const found = visit(j.name);
    // Reported in dependency order (parent before child).
    if (found) return found.reverse();
  }
  return undefined;
}

export function childrenOf(jobs: readonly DagJob[], parent: string): string[] {
  return jobs.filter((j) => j.parents.includes(parent)).map((j) => j.name);
}

/** True when every parent is in `satisfied` (the parents that succeeded since the last start). */
export function isReady(job: DagJob, satisfied: ReadonlySet<string>): boolean {
  return job.parents.length > 0 && job.parents.every((p) => satisfied.has(p));
}

/** Whether a parent's final outcome lets its children proceed. */
export function countsForChildren(outcome: 'succeeded' | 'failed', softError: boolean): boolean {
  return outcome === 'succeeded' || softError;
}

export interface RewireInput {
  name: string;
  parents: readonly string[];
  schedule?: string;
  scheduleTimeZone?: string;
}

export type Rewire =
  | { name: string; parents: string[] }
  | { name: string; schedule: string; scheduleTimeZone?: string };

/**
 * Chronos's rule when a job with children is deleted (JobManagementResource.delete): a dependent
 * parent hands its own parents to each child (the child keeps its other parents); a scheduled
 * parent turns every child into a scheduled job with its schedule and scheduleTimeZone, even a
 * child that had other parents too (they are dropped: a job has a schedule or parents).
 */
export function rewireChildren(deleted: RewireInput, children: readonly DagJob[]): Rewire[] {
  return children.map((child) => {
    const others = child.parents.filter((p) => p !== deleted.name);
    if (deleted.parents.length > 0) {
      return { name: child.name, parents: [...new Set([...others, ...deleted.parents])] };
    }
    if (deleted.schedule === undefined) return { name: child.name, parents: others };
    return {
      name: child.name,
      schedule: deleted.schedule,
      ...(deleted.scheduleTimeZone !== undefined ? { scheduleTimeZone: deleted.scheduleTimeZone } : {}),
    };
  });
}
