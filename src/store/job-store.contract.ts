/**
 * The job part of the Store contract (run from store.contract.ts for every adapter): job CRUD,
 * run records whose (job, dueAt) key refuses a second insert, also inside a transaction that
 * then rolls back, active-run listing and dependency progress.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobDefinition, JobRun, StoredJob } from '../domain/job.js';
import { perTestStore } from './contract-support.js';
import type { Store } from './port.js';

export function sampleJob(name: string, over: Partial<JobDefinition> = {}): StoredJob {
  return {
    job: {
      name,
      command: 'date',
      shell: true,
      arguments: [],
      schedule: 'R/2026-01-01T00:00:00Z/PT2M',
      epsilon: 'PT60S',
      parents: [],
      retries: 2,
      owner: 'ops@example.com',
      ownerName: '',
      description: '',
      disabled: false,
      concurrent: false,
      softError: false,
      highPriority: false,
      cpus: 0.1,
      mem: 128,
      disk: 256,
      environmentVariables: [],
      uris: [],
      fetch: [],
      constraints: [],
      runAsUser: 'root',
      maxCompletionTime: 0,
      executor: '',
      executorFlags: '',
      taskInfoData: '',
      async: false,
      dataProcessingJobType: false,
      retryDelaySeconds: 60,
      retryBackoffFactor: 1,
      successCount: 0,
      errorCount: 0,
      lastSuccess: '',
      lastError: '',
      errorsSinceLastSuccess: 0,
      ...over,
    },
    anchorAt: 1_767_225_600_000,
    nextDueAt: 1_767_225_600_000,
  };
}

export function sampleRun(job: string, dueAt: number, over: Partial<JobRun> = {}): JobRun {
  return { job, dueAt, trigger: 'schedule', status: 'queued', createdAt: dueAt + 3, attempts: [], ...over };
}

const T = 1_767_225_600_000;

export function jobStoreContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('jobs', () => {
    it(
      'puts, gets, lists by name and deletes jobs with their runs and progress',
      withStore(async (s) => {
        await s.putJob(sampleJob('b'));
        await s.putJob(sampleJob('a'));
        await s.putJob(sampleJob('b', { retries: 5 }));
        assert.deepEqual(
          (await s.listJobs()).map((j) => j.job.name),
          ['a', 'b'],
        );
        assert.equal((await s.getJob('b'))?.job.retries, 5);
        await s.insertJobRun(sampleRun('b', T));
        await s.addJobProgress({ child: 'b', parent: 'a', at: T });
        await s.addJobProgress({ child: 'c', parent: 'b', at: T });
        await s.deleteJob('b');
        assert.equal(await s.getJob('b'), undefined);
        assert.deepEqual(await s.listJobRuns('b'), []);
        assert.deepEqual(await s.listJobProgress(), []);
        assert.equal((await s.getJob('a'))?.job.name, 'a');
      }),
    );

    it(
      'a second insert of the same (job, dueAt) is refused and changes nothing',
      withStore(async (s) => {
        assert.equal(await s.insertJobRun(sampleRun('j', T)), true);
        assert.equal(
          await s.insertJobRun(sampleRun('j', T, { trigger: 'manual', status: 'running' })),
          false,
        );
        assert.deepEqual(await s.getJobRun('j', T), sampleRun('j', T));
        assert.equal(await s.insertJobRun(sampleRun('j', T + 1)), true);
        assert.equal(await s.insertJobRun(sampleRun('k', T)), true);
      }),
    );

    it(
      'the record and the job state land in one transaction, or neither does',
      withStore(async (s) => {
        await s.putJob(sampleJob('j'));
        await assert.rejects(
          s.transaction(async (tx) => {
            assert.equal(await tx.insertJobRun(sampleRun('j', T)), true);
            await tx.putJob({ ...sampleJob('j'), nextDueAt: T + 120_000 });
            throw new Error('crash before commit');
          }),
          /crash/,
        );
        assert.equal(await s.getJobRun('j', T), undefined);
        assert.equal((await s.getJob('j'))?.nextDueAt, T);
        await s.transaction(async (tx) => {
          assert.equal(await tx.insertJobRun(sampleRun('j', T)), true);
          await tx.putJob({ ...sampleJob('j'), nextDueAt: T + 120_000 });
        });
        assert.equal((await s.getJob('j'))?.nextDueAt, T + 120_000);
        // Planning the same occurrence again (a restarted or second master) finds it taken.
        const again = await s.transaction((tx) => tx.insertJobRun(sampleRun('j', T)));
        assert.equal(again, false);
      }),
    );

    it(
      'concurrent inserts of one occurrence: exactly one wins',
      withStore(async (s) => {
        const results = await Promise.all(
          Array.from({ length: 8 }, () => s.transaction((tx) => tx.insertJobRun(sampleRun('j', T)))),
        );
        assert.equal(results.filter(Boolean).length, 1);
      }),
    );

    it(
      'updates runs, lists newest first with limit/before, and lists active runs',
      withStore(async (s) => {
        for (let i = 0; i < 5; i++) await s.insertJobRun(sampleRun('j', T + i * 1000));
        await s.insertJobRun(sampleRun('a', T, { status: 'running' }));
        await s.putJobRun(sampleRun('j', T, { status: 'succeeded', endedAt: T + 50 }));
        await s.putJobRun(sampleRun('j', T + 1000, { status: 'skipped', skipReason: 'overlap' }));
        assert.deepEqual(
          (await s.listJobRuns('j')).map((r) => r.dueAt),
          [4, 3, 2, 1, 0].map((i) => T + i * 1000),
        );
        assert.deepEqual(
          (await s.listJobRuns('j', { limit: 2, before: T + 4000 })).map((r) => r.dueAt),
          [T + 3000, T + 2000],
        );
        assert.deepEqual(
          (await s.listActiveJobRuns()).map((r) => `${r.job}@${r.dueAt - T}`),
          ['a@0', 'j@2000', 'j@3000', 'j@4000'],
        );
        assert.equal((await s.getJobRun('j', T))?.status, 'succeeded');
      }),
    );

    it(
      'keeps dependency progress per (child, parent) and clears a child',
      withStore(async (s) => {
        await s.addJobProgress({ child: 'd', parent: 'b', at: T });
        await s.addJobProgress({ child: 'd', parent: 'c', at: T + 1 });
        await s.addJobProgress({ child: 'd', parent: 'b', at: T + 2 });
        await s.addJobProgress({ child: 'e', parent: 'd', at: T + 3 });
        assert.deepEqual(await s.listJobProgress(), [
          { child: 'd', parent: 'b', at: T + 2 },
          { child: 'd', parent: 'c', at: T + 1 },
          { child: 'e', parent: 'd', at: T + 3 },
        ]);
        await s.clearJobProgress('d');
        assert.deepEqual(await s.listJobProgress(), [{ child: 'e', parent: 'd', at: T + 3 }]);
      }),
    );
  });
}
