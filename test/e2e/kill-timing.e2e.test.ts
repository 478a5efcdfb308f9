/**
 * Issue 13, kill semantics, on a real `drover up`: `taskKillGracePeriodSeconds` is the time from
 * SIGTERM to SIGKILL (as in Marathon), and the drain before SIGTERM is its own setting (the
 * master's `--kill-drain-ms`, the app label DROVER_KILL_DRAIN_MS). A task that ignores SIGTERM,
 * with grace 3 s, lives through drain + grace and is gone within drain + grace + 1 s.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_KILL_DRAIN_MS, KILL_DRAIN_LABEL } from '../../src/domain/kill-timing.js';
import { DroverProcess, taskProcesses, waitFor } from './support/drover-process.js';

const GRACE_S = 3;
/** What the issue allows beyond drain + grace. */
const SLACK_MS = 1_000;

interface TaskJson {
  id: string;
  state: string;
}

async function killTimed(
  d: DroverProcess,
  appId: string,
  labels: Record<string, string>,
): Promise<{ goneMs: number; killingSeen: boolean }> {
  await d.api.json('POST', '/v2/apps', {
    id: appId,
    // An ignored signal stays ignored across exec, so `sleep` ignores SIGTERM too.
    cmd: "trap '' TERM; sleep 600",
    cpus: 0.1,
    mem: 16,
    taskKillGracePeriodSeconds: GRACE_S,
    labels,
  });
  const task = await waitFor(
    async () => {
      const ts = (await d.api.get<{ tasks: TaskJson[] }>(`/v2/apps${appId}/tasks`)).tasks;
      const t = ts.find((x) => x.state === 'TASK_RUNNING');
      return t && taskProcesses(d.dataDir).some((p) => p.taskId === t.id) ? t : undefined;
    },
    { what: `${appId} running`, timeoutMs: 30_000 },
  );
  const t0 = Date.now();
  await d.api.json('DELETE', `/v2/apps${appId}/tasks/${encodeURIComponent(task.id)}?scale=true`);
  let killingSeen = false;
  await waitFor(
    async () => {
      if (!killingSeen) {
        const ts = (await d.api.get<{ tasks: TaskJson[] }>(`/v2/apps${appId}/tasks`)).tasks;
        killingSeen = ts.some((x) => x.id === task.id && x.state === 'TASK_KILLING');
      }
      return !taskProcesses(d.dataDir).some((p) => p.taskId === task.id);
    },
    { what: `${task.id} gone`, timeoutMs: 60_000, intervalMs: 25 },
  );
  return { goneMs: Date.now() - t0, killingSeen };
}

describe('kill timing: drain, then grace from SIGTERM to SIGKILL', { timeout: 180_000 }, () => {
  it('grace 3 s, SIGTERM ignored: gone within drain + 3 s + 1 s (master default and app label)', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    for (const [appId, labels, drain] of [
      ['/stubborn-default', {}, DEFAULT_KILL_DRAIN_MS],
      ['/stubborn-label', { [KILL_DRAIN_LABEL]: '500' }, 500],
    ] as const) {
      const { goneMs, killingSeen } = await killTimed(d, appId, labels);
      const bound = drain + GRACE_S * 1000;
      t.diagnostic(`${appId}: drain ${drain} ms + grace ${GRACE_S} s; gone after ${goneMs} ms`);
      assert.ok(killingSeen, `${appId} was TASK_KILLING while it drained`);
      // It ignores SIGTERM, so only SIGKILL ends it: not before drain + grace...
      assert.ok(goneMs >= bound - 100, `${appId} gone after ${goneMs} ms, before drain + grace ${bound} ms`);
      // ...and the grace is counted once, not twice.
      assert.ok(
        goneMs <= bound + SLACK_MS,
        `${appId} gone after ${goneMs} ms, more than ${bound} + ${SLACK_MS} ms`,
      );
    }
  });

  it('a bad DROVER_KILL_DRAIN_MS label is a 422 naming the label', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    const res = await d.api.raw('POST', '/v2/apps', {
      body: { id: '/bad-drain', cmd: 'sleep 60', labels: { [KILL_DRAIN_LABEL]: 'soon' } },
    });
    assert.equal(res.status, 422, res.text);
    assert.match(res.text, new RegExp(`/labels/${KILL_DRAIN_LABEL}`));
  });
});
