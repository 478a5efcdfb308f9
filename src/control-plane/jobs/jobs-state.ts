/**
 * The job runtime's working copy: definitions with their schedule state, the runs still active
 * and dependency progress. Loaded from the store at start and written through, like MasterState.
 */
import type { JobDefinition, JobRun, StoredJob } from '../../domain/job.js';
import { durationMs } from '../../schedules/iso8601-duration.js';
import { compileSchedule, type Schedule } from '../../schedules/schedule.js';
import type { Store } from '../../store/port.js';
import { RevisedMap, StateRevision } from '../state-revision.js';

export class JobsState {
  /** Counts writes to the job definitions (the cached `/scheduler/jobs` view). */
  readonly revision = new StateRevision();
  /** Every job, by name. */
  readonly byName = new RevisedMap<string, StoredJob>(this.revision, (name) => this.unindexed.add(name));
  /**
   * parent -> its children, kept by change: every settled run of a parent asks for its children,
   * and a filter over every job per settled run made 10,000 runs in a minute cost 10^8 steps (36%
   * of the master's busy time in the minute bench). Jobs written since the last question are
   * looked at then; only a change of their parents moves them in the index.
   */
  private readonly children = new Map<string, string[]>();
  /** job -> the parents the index holds it under. */
  private readonly indexedParents = new Map<string, readonly string[]>();
  private readonly unindexed = new Set<string>();
  /** job -> dueAt -> run, for runs not yet final. */
  readonly active = new Map<string, Map<number, JobRun>>();
  /** child -> parents that succeeded since the child last started. */
  readonly progress = new Map<string, Set<string>>();
  private readonly compiled = new Map<string, { key: string; schedule: Schedule }>();
  /** epsilon text -> ms: a luxon parse per due job made a pass with 1,000 due jobs ~10 ms slower. */
  private readonly epsilons = new Map<string, number | undefined>();

  static async load(store: Store): Promise<JobsState> {
    const s = new JobsState();
    for (const j of await store.listJobs()) {
      s.byName.set(j.job.name, j);
      // Compiled at load, so a new leader's first pass does not pay for every schedule.
      s.warm(j);
    }
    for (const r of await store.listActiveJobRuns()) s.setActive(r);
    for (const p of await store.listJobProgress()) s.addProgress(p.child, p.parent);
    return s;
  }

  /** The compiled schedule of a scheduled job (cached per schedule text, zone and anchor). */
  scheduleOf(stored: StoredJob): Schedule | undefined {
    const { schedule, scheduleTimeZone } = stored.job;
    if (schedule === undefined) return undefined;
    const key = `${schedule}\u0000${scheduleTimeZone ?? ''}\u0000${stored.anchorAt}`;
    const hit = this.compiled.get(stored.job.name);
    if (hit?.key === key) return hit.schedule;
    const compiled = compileSchedule(schedule, scheduleTimeZone, stored.anchorAt);
    this.compiled.set(stored.job.name, { key, schedule: compiled });
    return compiled;
  }

  /** A job's epsilon in ms; undefined when it does not parse. */
  epsilonMsOf(job: JobDefinition): number | undefined {
    if (!this.epsilons.has(job.epsilon)) {
      // Texts of deleted or edited jobs would pile up: a few distinct epsilons is the usual case.
      if (this.epsilons.size >= 1000) this.epsilons.clear();
      this.epsilons.set(job.epsilon, durationMs(job.epsilon));
    }
    return this.epsilons.get(job.epsilon);
  }

  private warm(stored: StoredJob): void {
    try {
      this.scheduleOf(stored);
    } catch {
      // A schedule that no longer compiles fails where it is used (the ticker logs it), not here.
    }
  }

  /**
   * Told every committed change of a run, with the run as it was (undefined for a new record).
   * The runtime turns these into job run events (run-events.ts); runs loaded at start are not told.
   */
  onRunChange: ((prev: JobRun | undefined, next: JobRun) => void) | undefined;

  /** Records a run's latest version: kept while active, dropped once final. */
  setActive(run: JobRun): void {
    const runs = this.active.get(run.job) ?? new Map<number, JobRun>();
    const prev = runs.get(run.dueAt);
    if (run.status === 'queued' || run.status === 'running' || run.status === 'retrying') {
      runs.set(run.dueAt, run);
      this.active.set(run.job, runs);
    } else {
      runs.delete(run.dueAt);
      if (runs.size === 0) this.active.delete(run.job);
    }
    this.onRunChange?.(prev, run);
  }

  activeRuns(job: string): JobRun[] {
    return [...(this.active.get(job)?.values() ?? [])].sort((a, b) => a.dueAt - b.dueAt);
  }

  allActive(): JobRun[] {
    return [...this.active.keys()].flatMap((j) => this.activeRuns(j));
  }

  addProgress(child: string, parent: string): void {
    const set = this.progress.get(child) ?? new Set<string>();
    set.add(parent);
    this.progress.set(child, set);
  }

  /** The jobs that name `parent` among their parents. */
  childrenOf(parent: string): readonly string[] {
    for (const name of this.unindexed) this.reindex(name);
    this.unindexed.clear();
    return this.children.get(parent) ?? [];
  }

  private reindex(name: string): void {
    const now = this.byName.get(name)?.job.parents ?? [];
    const before = this.indexedParents.get(name) ?? [];
    if (now.length === before.length && now.every((p, i) => p === before[i])) return;
    for (const p of before) {
      const rest = (this.children.get(p) ?? []).filter((c) => c !== name);
      if (rest.length > 0) this.children.set(p, rest);
      else this.children.delete(p);
    }
    for (const p of new Set(now)) this.children.set(p, [...(this.children.get(p) ?? []), name]);
    if (now.length > 0) this.indexedParents.set(name, [...now]);
    else this.indexedParents.delete(name);
  }

  forget(job: string): void {
    this.byName.delete(job);
    this.active.delete(job);
    this.progress.delete(job);
    this.compiled.delete(job);
    for (const set of this.progress.values()) set.delete(job);
  }
}
