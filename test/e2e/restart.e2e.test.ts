/**
 * Agent recovery end to end: `drover up` dies by kill -9 while its tasks run (they lead their own
 * process groups, so they outlive it). Started again on the same data dir, its agents re-adopt
 * them: the same task ids stay RUNNING with the same processes, nothing is launched twice, the
 * master can still kill them, their logs are still served, and SIGTERM stops them all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { exactlyAnswering } from './support/marathon-tasks.js';

const APP = {
  id: '/web',
  cmd: 'node examples/http-echo.js',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 0,
};

const sorted = (xs: Iterable<number | string>) => [...xs].map(String).sort();

test('restart: after kill -9 of drover up, the running tasks are re-adopted, not relaunched', {
  timeout: 180_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const { api } = drover;
  const answering = (what: string) =>
    waitFor(() => exactlyAnswering(api, '/web', 2), { what, timeoutMs: 60_000 });

  await api.json('POST', '/v2/apps', APP, [201]);
  const before = await answering('2 tasks of /web answering');
  const processesBefore = drover.taskProcesses();
  assert.deepEqual(sorted(new Set(processesBefore.map((p) => p.taskId))), sorted(before.map((x) => x.id)));

  // A crash: no shutdown, so nothing stops the tasks.
  const crash = await drover.kill9();
  assert.equal(crash.signal, 'SIGKILL');
  assert.deepEqual(
    sorted(drover.taskProcesses().map((p) => p.pid)),
    sorted(processesBefore.map((p) => p.pid)),
    'the tasks outlive drover',
  );

  await drover.restart();
  const after = await answering('the same 2 tasks answering after the restart');
  assert.deepEqual(sorted(after.map((x) => x.id)), sorted(before.map((x) => x.id)), 'same task ids');
  for (const x of after) {
    const old = before.find((y) => y.id === x.id)!;
    assert.equal(x.answer.pid, old.answer.pid, `${x.id} is the same process`);
  }
  assert.deepEqual(
    sorted(drover.taskProcesses().map((p) => p.pid)),
    sorted(processesBefore.map((p) => p.pid)),
    'no task process was started beside the adopted ones',
  );

  // The master can still stop an adopted task: its process ends and a new task replaces it.
  const [victim, kept] = after as [(typeof after)[0], (typeof after)[0]];
  // The tasks answer before their agent has re-registered (they never stopped); until it has, a log
  // read answers 503, so wait for the agent rather than for a time.
  const log = await waitFor(
    async () => {
      const r = await api.raw('GET', `/v2/tasks/${victim.id}/logs?stream=stdout`);
      return r.status === 503 ? false : r;
    },
    { what: "the adopted task's agent to serve its logs", timeoutMs: 30_000 },
  );
  assert.equal(log.status, 200);
  assert.match(log.text, /http-echo listening on/, 'logs of an adopted task are still served');
  await api.json('DELETE', `/v2/apps/web/tasks/${victim.id}`);
  const replaced = await waitFor(
    async () => {
      const now = await exactlyAnswering(api, '/web', 2);
      return now && !now.some((x) => x.id === victim.id) ? now : false;
    },
    { what: 'a replacement for the killed adopted task', timeoutMs: 60_000 },
  );
  assert.ok(
    replaced.some((x) => x.id === kept.id && x.answer.pid === kept.answer.pid),
    'the other adopted task kept running',
  );
  // Two tasks, two task process groups: nothing was launched beside the adopted ones.
  await waitFor(() => new Set(drover.taskProcesses().map((p) => p.pgid)).size === 2, {
    what: 'exactly two task process groups',
  });
  assert.deepEqual(
    sorted(new Set(drover.taskProcesses().map((p) => p.taskId))),
    sorted(replaced.map((x) => x.id)),
  );
  assert.ok(
    !drover.taskProcesses().some((p) => p.pid === victim.answer.pid),
    'the killed adopted process is gone',
  );

  // SIGTERM stops every task, adopted or not, and drover exits 0.
  const exit = await drover.stop('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, drover.output().slice(-2000));
  await drover.waitNoTaskProcesses(10_000);
});
