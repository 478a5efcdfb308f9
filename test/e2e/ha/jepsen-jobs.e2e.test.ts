/**
 * A checker in the style of Jepsen's Chronos test, on the namespace cluster of
 * support/ha-cluster.ts (3 masters, 1 PostgreSQL, 3 agents, default agent timeout): three jobs
 * every 2 s for 2 minutes while a nemesis keeps taking the leader away, alternately by kill -9
 * (restarted a little later) and by cutting its network (healed a little later). Each execution
 * appends a line to a file (the job's own witness, outside Drover); at the end every occurrence
 * due in the window must have run exactly once or be recorded as skipped with a reason, and none
 * may have run twice (support/occurrence-check.ts).
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '../support/wait-for.js';
import { HaCluster } from './support/ha-cluster.js';
import { checkOccurrences, type Execution, type RunRecord } from './support/occurrence-check.js';

const JOBS = ['j1', 'j2', 'j3'];
const PERIOD_MS = 2_000;
const WINDOW_MS = Number(process.env['DROVER_JEPSEN_WINDOW_MS'] ?? 120_000);

let cluster: HaCluster | undefined;
let setupError: unknown;

before(async () => {
  // Kept, not thrown: a throwing before() marks the test cancelled, which reads like a skip.
  cluster = await HaCluster.start({ agentTimeoutMs: 10_000 }).catch((err) => {
    setupError = err;
    return undefined;
  });
});
after(async () => {
  await cluster?.destroy();
});

describe('jobs under a leader-killing, partitioning nemesis', { timeout: 400_000 }, () => {
  it('every occurrence runs exactly once or is skipped with a reason; none twice', async (t) => {
    if (!cluster) throw setupError ?? new Error('the HA cluster did not start');
    const c = cluster;
    try {
      const witness = join(c.sharedDir, 'executions.log');
      appendFileSync(witness, '');
      const start = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
      for (const name of JOBS) {
        await c.write('POST', '/v1/scheduler/iso8601', {
          name,
          command: `echo "$CHRONOS_JOB_NAME $CHRONOS_JOB_RUN_TIME $CHRONOS_JOB_RUN_ATTEMPT" >> ${witness}; sleep 0.3`,
          schedule: `R/${new Date(start).toISOString()}/PT2S`,
          epsilon: 'PT30S',
          retries: 2,
          retryDelaySeconds: 1,
          cpus: 0.05,
          mem: 16,
        });
      }
      const until = start + WINDOW_MS;
      const faults: string[] = [];
      let kill = true;
      while (Date.now() < until - 10_000) {
        const leader = await c.waitForLeader();
        if (kill) {
          await c.kill9(leader);
          faults.push(`kill -9 ${leader}`);
          await c.waitForLeader({ not: leader });
          await delay(2_000);
          c.startMaster(leader);
        } else {
          c.cut(leader);
          faults.push(`partition ${leader}`);
          await c.waitForLeader({ not: leader });
          await delay(6_000);
          c.heal(leader);
        }
        kill = !kill;
        await delay(4_000);
      }
      await waitFor(() => Date.now() > until + PERIOD_MS, { what: 'the window to close', timeoutMs: 60_000 });

      // Quiet now: wait until every occurrence of the window has its final record.
      const records = await waitFor(
        async () => {
          const all: RunRecord[] = [];
          for (const name of JOBS) {
            const r = await c.get<{ runs: Array<RunRecord & { outcome: string }> }>(
              `/v1/scheduler/job/${name}/runs?limit=1000`,
            );
            all.push(...r.runs);
          }
          const open = all.filter(
            (r) => r.dueAtMs <= until && !['succeeded', 'skipped', 'failed', 'killed'].includes(r.outcome),
          );
          return open.length === 0 ? all : undefined;
        },
        { what: 'every occurrence of the window final', timeoutMs: 90_000, intervalMs: 500 },
      );
      const executions: Execution[] = readFileSync(witness, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [job, at, attempt] = l.split(' ');
          return { job: job!, dueAtMs: Number(at), attempt: Number(attempt) };
        });
      const verdict = checkOccurrences({
        jobs: JOBS,
        start,
        periodMs: PERIOD_MS,
        until,
        records,
        executions: executions.filter((e) => e.dueAtMs <= until),
      });
      t.diagnostic(
        `faults: ${faults.join(', ')}; occurrences ${verdict.expected}, ran once ${verdict.ran}, ` +
          `skipped ${JSON.stringify(verdict.skipped)}, violations ${verdict.violations.length}`,
      );
      // A violation is only actionable with the occurrence's record, the witness lines and what
      // the masters logged about it: they go into the assertion, the part of a CI log one reads.
      const detailed = verdict.violations.map((v) => {
        const [job, at] = v.split(': ')[0]!.split('@');
        const dueAtMs = Date.parse(at!);
        return (
          `${v}\n  record: ${JSON.stringify(records.filter((r) => r.job === job && r.dueAtMs === dueAtMs))}` +
          `\n  witness: ${JSON.stringify(executions.filter((e) => e.job === job && e.dueAtMs === dueAtMs))}` +
          `\n  logs: ${c.grepLogs(new RegExp(`ct:${dueAtMs}:\\d+:${job}:|"dueAt":"${at}"`)).join('\n    ')}`
        );
      });
      assert.deepEqual(c.crashes, [], 'no master or agent died on its own');
      assert.ok(faults.length >= 4, `the nemesis struck only ${faults.length} times`);
      assert.deepEqual(detailed, []);
      // A cluster that skipped everything would pass the above; most occurrences must have run.
      assert.ok(verdict.ran >= verdict.expected / 2, `only ${verdict.ran} of ${verdict.expected} ran`);
    } catch (err) {
      c.explain(err);
    }
  });
});
