/**
 * Issue 12's crash loop: `drover up` is killed with SIGKILL at random points while apps deploy
 * and a job fires every 2 s, and started again on the same data dir, ITERATIONS times (20; about
 * 2 minutes here). Then, once it settles: no task process runs that Drover does not list, every
 * app is back at its instances with no deployment left, and no job run is recorded twice for one
 * due time (neither in the run history nor in what the job's own command wrote). The seed and
 * the iterations are printed, so a failure can be replayed with CRASH_LOOP_SEED.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';

const ITERATIONS = Number(process.env.CRASH_LOOP_ITERATIONS ?? 20);
const SEED = Number(process.env.CRASH_LOOP_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const APPS = ['/crash/a', '/crash/b'];

interface RunJson {
  dueAtMs: number;
  attempts: Array<{ attempt: number; taskId: string }>;
}

test('crash loop: kill -9 drover up at random points, restart on the same data dir', {
  timeout: 300_000,
}, async (t) => {
  const random = rng(SEED);
  const drover = await DroverProcess.startFor(t, { agents: 2 });
  const { api } = drover;
  const fired = join(drover.dataDir, 'job-fired.log');
  const want = new Map<string, number>();
  for (const id of APPS) {
    await api.json(
      'POST',
      '/v2/apps',
      { id, cmd: 'sleep 1000', instances: 2, cpus: 0.05, mem: 8, backoffSeconds: 0 },
      [201],
    );
    want.set(id, 2);
  }
  await api.json(
    'POST',
    '/scheduler/iso8601',
    {
      name: 'tick',
      command: `echo "$CHRONOS_JOB_RUN_TIME $CHRONOS_JOB_RUN_ATTEMPT $MESOS_TASK_ID" >> ${fired}`,
      schedule: `R/${new Date(Date.now() + 1000).toISOString()}/PT2S`,
      epsilon: 'PT30S',
      retries: 0,
      cpus: 0.05,
      mem: 8,
    },
    [200, 201, 204],
  );

  let changes = 0;
  for (let i = 1; i <= ITERATIONS; i++) {
    // A change in flight when the kill comes: a scale or a rolling restart of one app.
    const id = APPS[Math.floor(random() * APPS.length)]!;
    const instances = 1 + Math.floor(random() * 3);
    const body = random() < 0.5 ? { instances } : { instances, env: { ROUND: String(i) } };
    const res = await api.raw('PUT', `/v2/apps${id}?force=true`, { body }).catch(() => undefined);
    if (res && res.status < 300) {
      want.set(id, instances);
      changes++;
    }
    await sleep(Math.floor(random() * 1500));
    await drover.kill9();
    await drover.restart();
  }
  t.diagnostic(`crash loop: ${ITERATIONS} iterations (seed ${SEED}), ${changes} changes accepted`);
  console.log(`crash loop: ${ITERATIONS} iterations (seed ${SEED}), ${changes} changes accepted`);

  // Settled: every app at its instances, nothing deploying.
  await waitFor(
    async () => {
      for (const [id, n] of want) {
        const { app } = await api.get<{ app: { tasksRunning: number; deployments: unknown[] } }>(
          `/v2/apps${id}`,
        );
        if (app.tasksRunning !== n || app.deployments.length > 0) return false;
      }
      return true;
    },
    { what: `apps back at ${JSON.stringify([...want])}`, timeoutMs: 90_000, intervalMs: 250 },
  );

  // No task process that Drover does not list (job tasks are listed by their run's attempts).
  const listed = async () => {
    const { tasks } = await api.get<{ tasks: Array<{ id: string }> }>('/v2/tasks');
    const { runs } = await api.get<{ runs: RunJson[] }>('/scheduler/job/tick/runs?limit=1000');
    return new Set([...tasks.map((x) => x.id), ...runs.flatMap((r) => r.attempts.map((a) => a.taskId))]);
  };
  await waitFor(
    async () => {
      const ids = await listed();
      return drover.taskProcesses().every((p) => ids.has(p.taskId));
    },
    {
      what: 'every task process listed by Drover',
      timeoutMs: 60_000,
      intervalMs: 250,
    },
  ).catch(async (err) => {
    const ids = await listed();
    const strays = drover.taskProcesses().filter((p) => !ids.has(p.taskId));
    throw new Error(`${(err as Error).message}; unlisted: ${JSON.stringify(strays.slice(0, 5))}`);
  });
  for (const [id, n] of want) {
    const { tasks } = await api.get<{ tasks: Array<{ id: string }> }>(`/v2/apps${id}/tasks`);
    const procs = new Set(drover.taskProcesses().map((p) => p.taskId));
    assert.equal(tasks.length, n, `${id} tasks`);
    for (const task of tasks) assert.ok(procs.has(task.id), `${task.id} of ${id} has a process`);
  }

  // No run recorded twice for one due time; no due time executed twice by the same attempt.
  const { runs } = await api.get<{ runs: RunJson[] }>('/scheduler/job/tick/runs?limit=1000');
  const dueTimes = runs.map((r) => r.dueAtMs);
  assert.equal(new Set(dueTimes).size, dueTimes.length, 'one run record per due time');
  assert.ok(runs.length > 0, 'the job fired during the loop');
  const lines = existsSync(fired) ? readFileSync(fired, 'utf8').trim().split('\n').filter(Boolean) : [];
  const executions = lines.map((l) => l.split(' ').slice(0, 2).join(' '));
  const dupes = executions.filter((e, i) => executions.indexOf(e) !== i);
  t.diagnostic(`job: ${runs.length} runs recorded, ${lines.length} executions written`);
  assert.deepEqual(dupes, [], 'a due time executed twice by the same attempt');
});
