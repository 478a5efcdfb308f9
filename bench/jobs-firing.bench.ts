/**
 * Bench (jobs): 1,000 jobs due in the same second, in one master with the SQLite store and two
 * in-process agents running real processes (`true`). Measures per occurrence:
 *   firing lateness = run record committed - due time  (target p99 <= 50 ms)
 *     (the clock read once the transaction that inserted the record has committed, as the
 *     runtime's drover_job_firing_lateness_seconds histogram does; the bench wraps the store's
 *     transaction to see it, since the stored createdAt is the insert time, before the commit)
 *   launch lateness = task process started (TASK_RUNNING on the agent) - due time
 * and checks 0 missed (every job has exactly one run, not skipped) and 0 duplicated.
 *
 *   node --import tsx bench/jobs-firing.bench.ts     # prints one JSON line
 *   BENCH_JOBS=1000 (default)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../src/agent/agent.js';
import { createProcessExecutor } from '../src/agent/executors/process-executor.js';
import { Master } from '../src/control-plane/master.js';
import type { JobRun } from '../src/domain/job.js';
import { parseJob } from '../src/domain/job-validate.js';
import { systemClock } from '../src/platform/clock.js';
import { systemIds, systemRandom } from '../src/platform/ids.js';
import { silentLogger } from '../src/platform/logger.js';
import { createMemoryLinkPair } from '../src/platform/memory-link.js';
import { quantile } from '../src/schedules/run-stats.js';
import type { Store } from '../src/store/port.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { isMain, runAlone } from './support/main.js';

const TARGET_P99_MS = 50;
const LEAD_MS = 8_000;
const TIMEOUT_MS = 180_000;

const round = (n: number) => Math.round(n * 10) / 10;
function pct(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(quantile(s, 0.5)), p99: round(quantile(s, 0.99)), max: round(s.at(-1) ?? Number.NaN) };
}

/**
 * Records, for each run record inserted in a transaction (insertJobRun, or insertJobRuns as the
 * ticker does), the wall clock once that transaction has committed (keyed `job@dueAt`).
 */
function watchCommits(store: Store): Map<string, number> {
  const committedAt = new Map<string, number>();
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = async (fn) => {
    const inserted: string[] = [];
    const result = await transaction((tx) =>
      fn(
        new Proxy(tx, {
          get(target, key) {
            if (key === 'insertJobRun')
              return async (run: JobRun) => {
                const ok = await target.insertJobRun(run);
                if (ok) inserted.push(`${run.job}@${run.dueAt}`);
                return ok;
              };
            if (key === 'insertJobRuns')
              return async (runs: readonly JobRun[]) => {
                const ok = await target.insertJobRuns(runs);
                runs.forEach((run, i) => {
                  if (ok[i]) inserted.push(`${run.job}@${run.dueAt}`);
                });
                return ok;
              };
            const v = Reflect.get(target, key);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
      ),
    );
    const at = Date.now();
    for (const k of inserted) if (!committedAt.has(k)) committedAt.set(k, at);
    return result;
  };
  return committedAt;
}

export async function benchJobsFiring(opts: { jobs?: number } = {}) {
  const n = opts.jobs ?? Number(process.env.BENCH_JOBS ?? 1000);
  const dir = await mkdtemp(join(tmpdir(), 'drover-jobs-bench-'));
  const logger = silentLogger();
  const store = await createSqliteStore({ path: join(dir, 'state.db') });
  const committedAt = watchCommits(store);
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: systemRandom,
    logger,
    http: { host: '127.0.0.1', port: 0 },
  });
  const agents = [0, 1].map((i) => {
    const agent = new Agent({
      hostname: `127.0.0.${i + 1}`,
      address: `127.0.0.${i + 1}`,
      resources: {
        cpus: 1000,
        mem: 1_000_000,
        disk: 1_000_000,
        ports: [[31000 + i * 1000, 31999 + i * 1000]],
      },
      attributes: {},
      agentId: `bench-agent-${i + 1}`,
      workDir: join(dir, `agent-${i + 1}`),
      executors: { process: createProcessExecutor({ cwd: dir }) },
      clock: systemClock,
      ids: systemIds,
      logger,
      heartbeatIntervalMs: 5_000,
    });
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    master.connectAgent(masterEnd);
    agent.connect(agentEnd);
    return agent;
  });
  master.start();
  try {
    // All due in the same second, a few seconds from now (time to create 1,000 jobs first).
    const due = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const start = new Date(due).toISOString();
    for (let i = 0; i < n; i++) {
      await master.jobs.putJob(
        parseJob(
          {
            name: `bench-${i}`,
            command: 'true',
            schedule: `R1/${start}/PT1H`,
            cpus: 0.01,
            mem: 1,
            disk: 0,
            retries: 0,
          },
          'iso8601',
        ),
      );
    }
    if (Date.now() >= due) throw new Error('creating the jobs took longer than the lead time: raise LEAD_MS');
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const active = master.jobs
        .listJobs()
        .reduce((s, j) => s + master.jobs.jobState(j.name).active.length, 0);
      if (Date.now() > due + 1000 && active === 0) break;
      if (Date.now() > deadline) throw new Error(`runs still active after ${TIMEOUT_MS} ms: ${active}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const firing: number[] = [];
    const launch: number[] = [];
    let missed = 0;
    let duplicated = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const runs = await store.listJobRuns(`bench-${i}`);
      if (runs.length > 1) duplicated += runs.length - 1;
      const run = runs[0];
      if (!run || run.status === 'skipped' || run.dueAt !== due) {
        missed += 1;
        continue;
      }
      if (run.status !== 'succeeded') failed += 1;
      const committed = committedAt.get(`${run.job}@${run.dueAt}`);
      if (committed === undefined) throw new Error(`no commit seen for ${run.job}'s run`);
      firing.push(committed - run.dueAt);
      const started = run.attempts[0]?.startedAt;
      if (started !== undefined) launch.push(started - run.dueAt);
    }
    const f = pct(firing);
    const l = pct(launch);
    return {
      jobs: n,
      firingLatenessMs: f,
      launchLatenessMs: l,
      missed,
      duplicated,
      failed,
      targetFiringP99Ms: TARGET_P99_MS,
      met: f.p99 <= TARGET_P99_MS && missed === 0 && duplicated === 0,
    };
  } finally {
    await master.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) void runAlone('jobs-firing', () => benchJobsFiring());
