/**
 * `job sync DIR [--prune]` (chronos-sync's job): what to add, update and remove so the scheduler
 * holds exactly the jobs in the folder. Writes go parents first, so a dependent job never names a
 * parent the scheduler does not have yet; removals go children first. Pure.
 */
import type { Job, JobInput } from '../client/types.js';
import { DroverError } from '../domain/errors.js';

export interface JobSyncPlan {
  /** Jobs to write, in an order where every parent comes before its children. */
  write: Array<{ name: string; action: 'add' | 'update'; job: JobInput }>;
  unchanged: string[];
  /** Jobs to delete, children before parents. */
  remove: string[];
}

const parentsOf = (j: { parents?: unknown }): string[] =>
  Array.isArray(j.parents) ? (j.parents as string[]) : [];

/** Names ordered so parents come first; a cycle is a usage error naming its jobs. */
export function parentsFirst<T>(items: Map<string, T>, parents: (t: T) => string[]): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done' || !items.has(name)) return;
    if (state.get(name) === 'visiting')
      throw new DroverError(
        'INVALID_DEFINITION',
        `dependency cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`,
        [{ path: '/parents', errors: ['dependency cycle'] }],
      );
    state.set(name, 'visiting');
    for (const p of parents(items.get(name)!)) visit(p, [...path, name]);
    state.set(name, 'done');
    out.push(name);
  };
  for (const name of [...items.keys()].sort()) visit(name, []);
  return out;
}

export function planJobSync(wanted: JobInput[], current: Job[], prune: boolean): JobSyncPlan {
  const want = new Map(wanted.map((j) => [j.name, j]));
  const have = new Map(current.map((j) => [j.name, j]));
  const plan: JobSyncPlan = { write: [], unchanged: [], remove: [] };
  for (const name of parentsFirst(want, parentsOf)) {
    const job = want.get(name)!;
    const existing = have.get(name);
    if (!existing) plan.write.push({ name, action: 'add', job });
    else if (differs(job, existing)) plan.write.push({ name, action: 'update', job });
    else plan.unchanged.push(name);
  }
  for (const job of wanted) {
    for (const p of parentsOf(job)) {
      if (!want.has(p) && (prune || !have.has(p)))
        throw new DroverError(
          'INVALID_DEFINITION',
          `job ${job.name} depends on ${p}, which ${have.has(p) ? '--prune would remove' : 'is neither in the folder nor on the scheduler'}`,
          [{ path: '/parents', errors: [`unknown parent ${p}`] }],
        );
    }
  }
  if (prune) {
    const extra = new Map(current.filter((j) => !want.has(j.name)).map((j) => [j.name, j]));
    plan.remove = parentsFirst(extra, parentsOf).reverse();
  }
  return plan;
}

/** Only the fields the file gives count: the scheduler fills in the rest. */
function differs(job: JobInput, existing: Job): boolean {
  const e = existing as unknown as Record<string, unknown>;
  return Object.entries(job).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(e[k]));
}
