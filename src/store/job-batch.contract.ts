/**
 * The batch job ops of the Store contract (run from store.contract.ts for every adapter, beside
 * job-store.contract.ts): insertJobRuns reports per record whether it was inserted, refusing
 * (job, dueAt) keys that exist or repeat within the batch, and putJobs upserts; both take empty
 * batches and batches larger than one SQL statement's chunk, and roll back with their transaction.
 * The same for the launch's batches (launch-runs.ts): putTasks and putJobRuns upsert, the last of
 * a repeated key winning, a run record's `active` flag following its new status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskRecord } from '../domain/task.js';
import { perTestStore, sampleTask } from './contract-support.js';
import { sampleJob, sampleRun } from './job-store.contract.js';
import { encodeJson } from './json-value.js';
import type { Store } from './port.js';

const T = 1_767_225_600_000;
/** More rows than one chunk of either SQL batch statement (249 runs, 499 jobs). */
const MANY = 1_000;

export function jobBatchContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('job batches', () => {
    it(
      'insertJobRuns: false where the record existed (mid-batch), which stays as it was',
      withStore(async (s) => {
        const existing = sampleRun('b', T, { status: 'running' });
        assert.equal(await s.insertJobRun(existing), true);
        const result = await s.insertJobRuns([
          sampleRun('a', T),
          sampleRun('b', T, { status: 'skipped', skipReason: 'missed', endedAt: T }),
          sampleRun('c', T),
          sampleRun('b', T + 1000),
        ]);
        assert.deepEqual(result, [true, false, true, true]);
        assert.deepEqual(await s.getJobRun('b', T), existing);
        assert.deepEqual(await s.getJobRun('a', T), sampleRun('a', T));
        assert.deepEqual(await s.getJobRun('b', T + 1000), sampleRun('b', T + 1000));
        assert.deepEqual(
          (await s.listActiveJobRuns()).map((r) => `${r.job}@${r.dueAt - T}`),
          ['a@0', 'b@0', 'b@1000', 'c@0'],
        );
      }),
    );

    it(
      'insertJobRuns: a key repeated within the batch is inserted once, its first',
      withStore(async (s) => {
        const result = await s.insertJobRuns([
          sampleRun('a', T),
          sampleRun('a', T, { status: 'running' }),
          sampleRun('a', T + 1),
        ]);
        assert.deepEqual(result, [true, false, true]);
        assert.equal((await s.getJobRun('a', T))?.status, 'queued');
      }),
    );

    it(
      'empty batches change nothing',
      withStore(async (s) => {
        assert.deepEqual(await s.insertJobRuns([]), []);
        await s.putJobs([]);
        await s.transaction(async (tx) => {
          assert.deepEqual(await tx.insertJobRuns([]), []);
          await tx.putJobs([]);
        });
        assert.deepEqual(await s.listJobs(), []);
        assert.deepEqual(await s.listActiveJobRuns(), []);
      }),
    );

    it(
      `batches of ${MANY} (more than one statement's chunk), pre-existing records spread through`,
      withStore(async (s) => {
        const name = (i: number) => `j-${String(i).padStart(4, '0')}`;
        const taken = new Set([0, 248, 249, 250, 600, MANY - 1]);
        for (const i of taken) await s.insertJobRun(sampleRun(name(i), T, { status: 'running' }));
        const runs = Array.from({ length: MANY }, (_, i) => sampleRun(name(i), T));
        const result = await s.transaction((tx) => tx.insertJobRuns(runs));
        assert.deepEqual(
          result,
          runs.map((_, i) => !taken.has(i)),
        );
        const active = await s.listActiveJobRuns();
        assert.equal(active.length, MANY);
        for (const r of active)
          assert.equal(r.status, taken.has(Number(r.job.slice(2))) ? 'running' : 'queued', r.job);

        await s.putJobs(Array.from({ length: MANY }, (_, i) => sampleJob(name(i))));
        await s.putJobs(
          Array.from({ length: MANY }, (_, i) => ({ ...sampleJob(name(i)), nextDueAt: T + i })),
        );
        const jobs = await s.listJobs();
        assert.equal(jobs.length, MANY);
        jobs.forEach((j, i) => {
          assert.equal(j.job.name, name(i));
          assert.equal(j.nextDueAt, T + i);
        });
      }),
    );

    it(
      'putJobs upserts in order (a name given twice: the last wins)',
      withStore(async (s) => {
        await s.putJob(sampleJob('b', { retries: 1 }));
        await s.putJobs([sampleJob('a'), sampleJob('b', { retries: 7 }), sampleJob('a', { retries: 3 })]);
        assert.deepEqual(await s.listJobs(), [
          sampleJob('a', { retries: 3 }),
          sampleJob('b', { retries: 7 }),
        ]);
      }),
    );

    it(
      'both batches roll back with their transaction',
      withStore(async (s) => {
        await s.putJob(sampleJob('j'));
        await assert.rejects(
          s.transaction(async (tx) => {
            assert.deepEqual(await tx.insertJobRuns([sampleRun('j', T), sampleRun('k', T)]), [true, true]);
            await tx.putJobs([{ ...sampleJob('j'), nextDueAt: T + 120_000 }, sampleJob('k')]);
            throw new Error('crash before commit');
          }),
          /crash/,
        );
        assert.deepEqual(await s.listActiveJobRuns(), []);
        assert.deepEqual(await s.listJobs(), [sampleJob('j')]);
        // Committed: planning the same occurrences again finds them taken.
        await s.transaction((tx) => tx.insertJobRuns([sampleRun('j', T)]));
        assert.deepEqual(await s.insertJobRuns([sampleRun('k', T), sampleRun('j', T)]), [true, false]);
      }),
    );

    it(
      'putTasks and putJobRuns upsert in order (a key given twice: the last wins)',
      withStore(async (s) => {
        await s.putTask(sampleTask('t.1', '/a', 'agent-1'));
        await s.insertJobRun(sampleRun('j', T));
        await s.putTasks([
          sampleTask('t.2', '/b', 'agent-2', { state: 'TASK_STAGING' }),
          sampleTask('t.1', '/a', 'agent-1', { state: 'TASK_FINISHED' }),
          sampleTask('t.2', '/b', 'agent-3', { state: 'TASK_RUNNING' }),
        ]);
        assert.deepEqual(await s.listTasks(), [
          sampleTask('t.1', '/a', 'agent-1', { state: 'TASK_FINISHED' }),
          sampleTask('t.2', '/b', 'agent-3', { state: 'TASK_RUNNING' }),
        ]);
        // The agent column moved with the record: filters see the last one.
        assert.deepEqual((await s.listTasks({ agentId: 'agent-2' })).length, 0);
        assert.deepEqual((await s.listTasks({ agentId: 'agent-3' })).length, 1);

        await s.putJobRuns([
          sampleRun('j', T, { status: 'running' }),
          sampleRun('k', T),
          sampleRun('j', T, { status: 'succeeded', endedAt: T + 5 }),
        ]);
        assert.deepEqual(
          await s.getJobRun('j', T),
          sampleRun('j', T, { status: 'succeeded', endedAt: T + 5 }),
        );
        assert.deepEqual(await s.getJobRun('k', T), sampleRun('k', T));
        // Final runs leave the active list, new active ones join it.
        assert.deepEqual(
          (await s.listActiveJobRuns()).map((r) => `${r.job}@${r.dueAt - T}`),
          ['k@0'],
        );
      }),
    );

    it(
      'putEncodedTasks stores rows encoded by the caller as putTasks does, the last of an id winning, atomically',
      withStore(async (s) => {
        const row = (t: TaskRecord) => ({
          id: t.id,
          appId: t.appId,
          agentId: t.agentId,
          json: encodeJson(t),
        });
        await s.putEncodedTasks([]);
        await s.putTask(sampleTask('t.1', '/a', 'agent-1'));
        await s.putEncodedTasks([
          row(sampleTask('t.2', '/b', 'agent-2', { state: 'TASK_STAGING' })),
          row(sampleTask('t.1', '/a', 'agent-1', { state: 'TASK_RUNNING' })),
          row(sampleTask('t.2', '/b', 'agent-3', { state: 'TASK_RUNNING' })),
        ]);
        assert.deepEqual(await s.listTasks(), [
          sampleTask('t.1', '/a', 'agent-1', { state: 'TASK_RUNNING' }),
          sampleTask('t.2', '/b', 'agent-3', { state: 'TASK_RUNNING' }),
        ]);
        assert.equal((await s.listTasks({ agentId: 'agent-2' })).length, 0);
        assert.deepEqual(
          await s.getTask('t.2'),
          sampleTask('t.2', '/b', 'agent-3', { state: 'TASK_RUNNING' }),
        );
        const many = Array.from({ length: MANY }, (_, i) => sampleTask(`m.${i}`, '/m', 'agent-1'));
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.putEncodedTasks(many.map(row));
            throw new Error('crash before commit');
          }),
          /crash/,
        );
        assert.equal((await s.listTasks({ appId: '/m' })).length, 0);
        await s.putEncodedTasks(many.map(row));
        assert.equal((await s.listTasks({ appId: '/m' })).length, MANY);
      }),
    );

    it(
      `putTasks and putJobRuns: empty and ${MANY}-element batches, rolled back with their transaction`,
      withStore(async (s) => {
        await s.putTasks([]);
        await s.putJobRuns([]);
        assert.deepEqual(await s.listTasks(), []);
        const name = (i: number) => `j-${String(i).padStart(4, '0')}`;
        const tasks = Array.from({ length: MANY }, (_, i) =>
          sampleTask(`${name(i)}.1`, `/chronos/${name(i)}`, `agent-${i % 3}`, { state: 'TASK_STAGING' }),
        );
        const runs = Array.from({ length: MANY }, (_, i) => sampleRun(name(i), T, { status: 'running' }));
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.putTasks(tasks);
            await tx.putJobRuns(runs);
            throw new Error('crash before commit');
          }),
          /crash/,
        );
        assert.deepEqual(await s.listTasks(), []);
        assert.deepEqual(await s.listActiveJobRuns(), []);

        await s.transaction(async (tx) => {
          await tx.putTasks(tasks);
          await tx.putJobRuns(runs);
        });
        assert.deepEqual(await s.listTasks(), tasks);
        assert.deepEqual(
          await s.listTasks({ agentId: 'agent-1' }),
          tasks.filter((t) => t.agentId === 'agent-1'),
        );
        assert.deepEqual(await s.listActiveJobRuns(), runs);
      }),
    );
  });
}
