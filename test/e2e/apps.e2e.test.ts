/**
 * Issue 2's end-to-end acceptance: `drover up` as a real OS process, driven over HTTP. Three
 * instances of examples/http-echo.js answer on their PORT0; kill -9 of one brings a replacement;
 * scaling 3 -> 5 -> 1 adds and removes real processes; DELETE leaves none; SIGTERM exits 0 and
 * stops the tasks; a restart on the same data dir brings the app back; a task that failed is gone
 * from the task list but its stderr is still served; SIGINT, like SIGTERM, exits 0 and stops the
 * tasks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, liveTaskIds, waitFor } from './support/drover-process.js';
import { exactlyAnswering } from './support/marathon-tasks.js';

const APP = {
  id: '/web',
  cmd: 'node examples/http-echo.js',
  instances: 3,
  cpus: 0.1,
  mem: 32,
  // Replacements start at once, so the test waits for the replacement, not for a backoff.
  backoffSeconds: 0,
};

/** Writes to stderr and fails at once; the long backoff keeps it at one failed task. */
const CRASHER = {
  id: '/crasher',
  cmd: 'echo "crasher starting"; echo "crasher: config missing in $MESOS_SANDBOX" >&2; exit 1',
  instances: 1,
  cpus: 0.1,
  mem: 16,
  backoffSeconds: 3600,
};

const sameIds = (a: Iterable<string>, b: Iterable<string>) => assert.deepEqual([...a].sort(), [...b].sort());

test('apps: deploy, kill -9, scale, delete, SIGTERM, restart, failed task logs and SIGINT against a real drover up', {
  timeout: 180_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const { api, dataDir } = drover;
  const answering = (n: number, what: string) =>
    waitFor(() => exactlyAnswering(api, '/web', n), { what, timeoutMs: 60_000 });

  // Deploy 3; each answers on its host:PORT0 as its own task.
  await api.json('POST', '/v2/apps', APP, [201]);
  const three = await answering(3, '3 tasks of /web answering');
  assert.equal(new Set(three.map((x) => `${x.host}:${x.ports[0]}`)).size, 3, 'three distinct endpoints');
  assert.deepEqual(
    new Set(three.map((x) => x.host)),
    new Set(['127.0.0.1', '127.0.0.2']),
    'spread on both agents',
  );
  sameIds(
    liveTaskIds(dataDir),
    three.map((x) => x.id),
  );

  // kill -9 the node process of one task; a new task replaces it and answers.
  const victim = three[0]!;
  process.kill(victim.answer.pid, 'SIGKILL');
  const afterKill = await waitFor(
    async () => {
      const now = await exactlyAnswering(api, '/web', 3);
      return now && !now.some((x) => x.id === victim.id) ? now : false;
    },
    { what: 'a replacement for the killed task answering', timeoutMs: 60_000 },
  );
  const survivors = three.slice(1).map((x) => x.id);
  for (const id of survivors)
    assert.ok(
      afterKill.some((x) => x.id === id),
      `${id} kept running`,
    );
  await waitFor(() => !liveTaskIds(dataDir).has(victim.id), { what: 'killed task process gone' });

  // Scale up to 5: two more tasks, the three kept.
  await api.json('PUT', '/v2/apps/web', { instances: 5 });
  const five = await answering(5, '5 tasks answering');
  for (const x of afterKill)
    assert.ok(
      five.some((y) => y.id === x.id),
      `${x.id} kept on scale up`,
    );
  await waitFor(() => liveTaskIds(dataDir).size === 5, { what: '5 task process groups' });

  // Scale down to 1: four are stopped, their processes too.
  await api.json('PUT', '/v2/apps/web', { instances: 1 });
  const one = await answering(1, '1 task answering');
  assert.ok(
    five.some((x) => x.id === one[0]!.id),
    'the survivor is one of the five',
  );
  await waitFor(
    () => {
      const live = liveTaskIds(dataDir);
      return live.size === 1 && live.has(one[0]!.id);
    },
    { what: 'only the surviving task process left' },
  );
  const app = await api.get<{ app: { instances: number } }>('/v2/apps/web');
  assert.equal(app.app.instances, 1);

  // DELETE: the app is gone and no task process remains.
  await api.json('DELETE', '/v2/apps/web');
  await waitFor(async () => (await api.raw('GET', '/v2/apps/web')).status === 404, { what: '/web gone' });
  await drover.waitNoTaskProcesses();
  // Deleting is a deployment (as in Marathon): it holds the lock on /web until the kills are
  // confirmed, which can be a moment after the processes are gone; a POST before that is a 409.
  await waitFor(async () => (await api.get<unknown[]>('/v2/deployments')).length === 0, {
    what: 'the delete deployment finished',
  });

  // POST again, then SIGTERM: exit code 0 and the task processes are stopped with drover.
  await api.json('POST', '/v2/apps', APP, [201]);
  const before = await answering(3, '3 tasks answering after re-create');
  const exit = await drover.stop('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, drover.output().slice(-2000));
  await drover.waitNoTaskProcesses(10_000);

  // Restart on the same data dir: the app is still defined and its instances answer again.
  await drover.restart();
  const after = await answering(3, '3 tasks answering after restart');
  const restored = await api.get<{ app: typeof APP & { instances: number } }>('/v2/apps/web');
  assert.equal(restored.app.cmd, APP.cmd);
  assert.equal(restored.app.instances, 3);
  for (const x of after) assert.ok(!before.some((y) => y.id === x.id), 'tasks were relaunched, not ghosts');
  sameIds(
    liveTaskIds(dataDir),
    after.map((x) => x.id),
  );

  // A task that failed leaves /v2/tasks, but its stderr is still read from its agent's sandbox.
  await api.json('POST', '/v2/apps', CRASHER, [201]);
  const failure = await waitFor(
    async () =>
      (await api.get<{ app: { lastTaskFailure?: { taskId: string; state: string } } }>('/v2/apps/crasher'))
        .app.lastTaskFailure ?? false,
    { what: '/crasher to fail', timeoutMs: 30_000 },
  );
  assert.equal(failure.state, 'TASK_FAILED');
  const listed = await api.get<{ tasks: Array<{ id: string }> }>('/v2/tasks');
  assert.ok(!listed.tasks.some((x) => x.id === failure.taskId), 'the failed task is no longer listed');
  const stderr = await api.raw('GET', `/v2/tasks/${failure.taskId}/logs?stream=stderr`);
  assert.equal(stderr.status, 200, stderr.text);
  assert.match(stderr.text, /^crasher: config missing in \/.*\/sandboxes\/crasher\.[^/\n]+\n$/);
  const stdout = await api.raw('GET', `/v2/tasks/${failure.taskId}/logs?stream=stdout&tail=1`);
  assert.equal(stdout.text, 'crasher starting\n');

  // SIGINT (Ctrl-C) stops drover as cleanly as SIGTERM: exit code 0 and no task process left.
  assert.ok(liveTaskIds(dataDir).size >= 3, 'tasks are running when SIGINT comes');
  const final = await drover.stop('SIGINT');
  assert.deepEqual(final, { code: 0, signal: null }, drover.output().slice(-2000));
  await drover.waitNoTaskProcesses(10_000);
  assert.equal(liveTaskIds(dataDir).size, 0);
});
