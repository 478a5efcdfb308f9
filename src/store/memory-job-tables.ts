/**
 * The memory store's job tables and ops (memory-store.ts mixes them in). Runs are kept per job,
 * each job's runs an immutable map replaced on write, so a transaction's copy-on-write copies the
 * job index, never every run.
 */
import type { JobRun, StoredJob } from '../domain/job.js';
import { isActiveRun } from '../domain/job.js';
import type { JobProgress, JobStoreOps } from './job-port.js';
import { decodeJson, encodeJson } from './json-value.js';

interface RunRow {
  active: boolean;
  json: string;
}

export interface JobTables {
  jobs: Map<string, string>;
  /** job -> dueAt -> row */
  jobRuns: Map<string, ReadonlyMap<number, RunRow>>;
  /** `${child}\u0000${parent}` -> progress */
  jobProgress: Map<string, string>;
}

export function emptyJobTables(): JobTables {
  return { jobs: new Map(), jobRuns: new Map(), jobProgress: new Map() };
}

interface Access {
  read<K extends keyof JobTables>(name: K): JobTables[K];
  write<K extends keyof JobTables>(name: K): JobTables[K];
}

type Run = <T>(body: () => T) => Promise<T>;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function memoryJobOps(t: Access, run: Run): JobStoreOps {
  const putRun = (r: JobRun, insertOnly: boolean): Promise<boolean> => {
    const row: RunRow = { active: isActiveRun(r), json: encodeJson(r) };
    return run(() => {
      const current = t.read('jobRuns').get(r.job);
      if (insertOnly && current?.has(r.dueAt)) return false;
      const next = new Map(current);
      next.set(r.dueAt, row);
      t.write('jobRuns').set(r.job, next);
      return true;
    });
  };
  return {
    putJobs: (jobs) => {
      const rows = jobs.map((j) => [j.job.name, encodeJson(j)] as const);
      return run(() => {
        const table = t.write('jobs');
        for (const [name, json] of rows) table.set(name, json);
      });
    },
    insertJobRuns: (runs) => {
      const rows = runs.map((r): [JobRun, RunRow] => [r, { active: isActiveRun(r), json: encodeJson(r) }]);
      return run(() => {
        const byJob = new Map<string, Map<number, RunRow>>();
        const inserted = rows.map(([r, row]) => {
          let next = byJob.get(r.job);
          if (next === undefined) {
            next = new Map(t.read('jobRuns').get(r.job));
            byJob.set(r.job, next);
          }
          if (next.has(r.dueAt)) return false;
          next.set(r.dueAt, row);
          return true;
        });
        if (inserted.some(Boolean)) {
          const table = t.write('jobRuns');
          for (const [job, next] of byJob) table.set(job, next);
        }
        return inserted;
      });
    },
    putJob: (stored: StoredJob) => {
      const json = encodeJson(stored);
      return run(() => {
        t.write('jobs').set(stored.job.name, json);
      });
    },
    getJob: (name) =>
      run(() => {
        const json = t.read('jobs').get(name);
        return json === undefined ? undefined : decodeJson<StoredJob>(json);
      }),
    listJobs: () =>
      run(() =>
        [...t.read('jobs').entries()]
          .sort((a, b) => byName(a[0], b[0]))
          .map(([, j]) => decodeJson<StoredJob>(j)),
      ),
    deleteJob: (name) =>
      run(() => {
        t.write('jobs').delete(name);
        t.write('jobRuns').delete(name);
        const progress = t.write('jobProgress');
        for (const [key, json] of [...progress]) {
          const p = decodeJson<JobProgress>(json);
          if (p.child === name || p.parent === name) progress.delete(key);
        }
      }),
    insertJobRun: (r) => putRun(r, true),
    putJobRun: async (r) => {
      await putRun(r, false);
    },
    putJobRuns: (runs) => {
      const rows = runs.map((r): [JobRun, RunRow] => [r, { active: isActiveRun(r), json: encodeJson(r) }]);
      return run(() => {
        const byJob = new Map<string, Map<number, RunRow>>();
        for (const [r, row] of rows) {
          let next = byJob.get(r.job);
          if (next === undefined) {
            next = new Map(t.read('jobRuns').get(r.job));
            byJob.set(r.job, next);
          }
          next.set(r.dueAt, row);
        }
        if (byJob.size === 0) return;
        const table = t.write('jobRuns');
        for (const [job, next] of byJob) table.set(job, next);
      });
    },
    getJobRun: (job, dueAt) =>
      run(() => {
        const row = t.read('jobRuns').get(job)?.get(dueAt);
        return row ? decodeJson<JobRun>(row.json) : undefined;
      }),
    listJobRuns: (job, query = {}) =>
      run(() => {
        const rows = [...(t.read('jobRuns').get(job) ?? new Map<number, RunRow>()).entries()]
          .filter(([at]) => query.before === undefined || at < query.before)
          .sort((a, b) => b[0] - a[0]);
        return rows.slice(0, query.limit ?? rows.length).map(([, r]) => decodeJson<JobRun>(r.json));
      }),
    listActiveJobRuns: () =>
      run(() => {
        const out: JobRun[] = [];
        for (const job of [...t.read('jobRuns').keys()].sort(byName)) {
          const rows = [...t.read('jobRuns').get(job)!.entries()].sort((a, b) => a[0] - b[0]);
          for (const [, r] of rows) if (r.active) out.push(decodeJson<JobRun>(r.json));
        }
        return out;
      }),
    addJobProgress: (p) => {
      const json = encodeJson(p);
      return run(() => {
        t.write('jobProgress').set(`${p.child}\u0000${p.parent}`, json);
      });
    },
    listJobProgress: () =>
      run(() =>
        [...t.read('jobProgress').entries()]
          .sort((a, b) => byName(a[0], b[0]))
          .map(([, j]) => decodeJson<JobProgress>(j)),
      ),
    clearJobProgress: (child) =>
      run(() => {
        const progress = t.write('jobProgress');
        for (const key of [...progress.keys()]) if (key.startsWith(`${child}\u0000`)) progress.delete(key);
      }),
  };
}
