/**
 * Scheduled jobs on `drover up` as a real process: a job every 2 s runs on an agent, its history
 * and stats appear over the API; after kill -9 and a restart within epsilon, the history has no
 * duplicate and no unexplained gap (every 2 s occurrence has a record: a run or a skip reason).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';

interface RunView {
  dueAtMs: number;
  outcome: string;
  skipReason: string | null;
  exitCode: number | null;
  runTimeMs: number | null;
}

describe('jobs on drover up', () => {
  it('runs a job every 2 s, reports history and stats, and survives kill -9 without duplicates or gaps', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    await d.api.json(
      'POST',
      '/v1/scheduler/iso8601',
      {
        name: 'every2s',
        command: 'echo run at $CHRONOS_JOB_RUN_TIME',
        schedule: 'R//PT2S',
        epsilon: 'PT60S',
      },
      [204],
    );
    const runs = async () =>
      (await d.api.get<{ runs: RunView[] }>('/v1/scheduler/job/every2s/runs?limit=1000')).runs;
    const succeeded = async () => (await runs()).filter((r) => r.outcome === 'succeeded').length;
    await waitFor(async () => (await succeeded()) >= 3, { what: '3 successful runs', timeoutMs: 60_000 });

    const stat = await d.api.get<{ histogram: { count: number; mean: number } }>(
      '/v1/scheduler/job/stat/every2s',
    );
    assert.ok(stat.histogram.count >= 3);
    const before = await runs();
    assert.equal(before.find((r) => r.outcome === 'succeeded')?.exitCode, 0);
    const last = before.find((r) => r.outcome === 'succeeded')!;
    const log = await d.api.raw('GET', `/v1/scheduler/job/every2s/runs/${last.dueAtMs}/logs`);
    assert.equal(log.status, 200);
    assert.match(log.text, /run at \d{13}\n/);

    await d.kill9();
    await d.restart();
    const countBefore = await succeeded();
    await waitFor(async () => (await succeeded()) >= countBefore + 3, {
      what: '3 more successful runs after the restart',
      timeoutMs: 60_000,
    });

    const all = (await runs()).sort((a, b) => a.dueAtMs - b.dueAtMs);
    const keys = all.map((r) => r.dueAtMs);
    assert.equal(new Set(keys).size, keys.length, 'no occurrence recorded twice');
    for (let i = 1; i < all.length; i++)
      assert.equal(
        all[i]!.dueAtMs - all[i - 1]!.dueAtMs,
        2000,
        `gap before ${new Date(all[i]!.dueAtMs).toISOString()}`,
      );
    for (const r of all)
      if (r.outcome === 'skipped')
        assert.ok(r.skipReason === 'missed' || r.skipReason === 'overlap', r.skipReason ?? '');
    // Within epsilon: the downtime left at most skips, and the latest missed occurrence still ran.
    assert.ok(all.filter((r) => r.outcome === 'succeeded').length >= 6);
  });
});
