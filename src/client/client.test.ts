/**
 * The client against a real API server listening on 127.0.0.1:0, over a simulated cluster (memory
 * store, fake clock, fake agents): every resource method, errors with their codes and exit
 * statuses, credentials, and the event stream with a resume.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createSim, type Sim } from '../../test/sim/harness.js';
import { buildApiServer } from '../api/server.js';
import { ApiError } from './api-error.js';
import { DroverClient } from './drover-client.js';
import type { ServerEvent, StreamState } from './event-stream.js';

async function listen(api: FastifyInstance): Promise<string> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  const addr = api.server.address();
  assert.ok(addr && typeof addr === 'object');
  return `http://127.0.0.1:${addr.port}`;
}

async function rejects(
  p: Promise<unknown>,
  expect: { status: number; code: string; exitCode: number },
): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, expect.status, err.message);
    assert.equal(err.code, expect.code);
    assert.equal(err.exitCode, expect.exitCode);
    return err;
  }
  assert.fail('expected the call to fail');
}

const web = { id: '/web', cmd: 'serve', instances: 2, cpus: 0.1, mem: 16, portDefinitions: [] };

describe('DroverClient against a live API server', () => {
  let sim: Sim;
  let api: FastifyInstance;
  let client: DroverClient;

  before(async () => {
    sim = await createSim({
      program: (spec) => ({ stdout: `hello from ${spec.taskId}\nline 2\n`, stderr: 'warn\n' }),
    });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
    client = new DroverClient({ url: await listen(api) });
  });
  after(async () => {
    await api.close();
    await sim.stop();
  });

  const settle = () => sim.until(() => sim.settled(), { what: 'deployments done', stepMs: 50 });

  it('apps: create, list with embed, show, scale, patch, versions, restart, tasks, logs, kill, delete', async () => {
    const created = await client.apps.create(web);
    assert.equal(created.id, '/web');
    assert.equal(created.deployments?.length, 1);
    await settle();

    const list = await client.apps.list({ embed: ['counts', 'tasks'] });
    assert.deepEqual(
      list.map((a) => [a.id, a.tasksRunning, a.tasks?.length]),
      [['/web', 2, 2]],
    );
    const shown = await client.apps.show('web', { embed: ['tasks', 'lastTaskFailure'] });
    assert.equal(shown.instances, 2);
    assert.equal(shown.tasks?.length, 2);

    const scaled = await client.apps.scale('/web', 3);
    assert.match(scaled.deploymentId, /.+/);
    await settle();
    assert.equal((await client.apps.tasks('/web')).length, 3);

    await client.apps.patch('/web', { env: { A: '1' } });
    await settle();
    const versions = await client.apps.versions('/web');
    assert.ok(versions.length >= 3, String(versions));
    const first = await client.apps.version('/web', versions.at(-1)!);
    assert.equal(first.instances, 2);

    const restart = await client.apps.restart('/web');
    assert.match(restart.version, /^\d{4}-/);
    await settle();

    const [task] = await client.apps.tasks('/web');
    assert.ok(task);
    assert.equal(await client.tasks.logs(task.id, { tail: 1 }), 'line 2\n');
    assert.equal(await client.tasks.logs(task.id, { stream: 'stderr' }), 'warn\n');
    assert.equal((await client.tasks.list()).length, 3);

    const killed = await client.apps.killTask('/web', task.id, { scale: true });
    assert.ok('deploymentId' in killed);
    await settle();
    assert.equal((await client.apps.show('/web')).instances, 2);

    const rolled = await client.apps.rollback('/web', versions.at(-1)!);
    assert.match(rolled.deploymentId, /.+/);
    await settle();
    assert.equal((await client.apps.show('/web')).env.A, undefined);

    await client.apps.remove('/web');
    await settle();
    await rejects(client.apps.show('/web'), { status: 404, code: 'NOT_FOUND', exitCode: 3 });
  });

  it('errors carry status, code, message, details and the exit status', async () => {
    const bad = await rejects(client.apps.create({ id: '/bad', cmd: 'x', instances: -1 }), {
      status: 422,
      code: 'INVALID_DEFINITION',
      exitCode: 5,
    });
    assert.ok(
      bad.details.some((d) => d.path === '/instances'),
      JSON.stringify(bad.details),
    );
    await client.apps.create({ id: '/dup', cmd: 'x', cpus: 0.1, mem: 16, portDefinitions: [] });
    const dup = await rejects(client.apps.create({ id: '/dup', cmd: 'x' }), {
      status: 409,
      code: 'CONFLICT',
      exitCode: 4,
    });
    assert.match(dup.message, /already exists/);
    await rejects(client.tasks.logs('nope', { stream: 'stdout' }), {
      status: 404,
      code: 'NOT_FOUND',
      exitCode: 3,
    });
    await client.apps.remove('/dup');
    await settle();
  });

  it('an unreachable master is status 0, UNAVAILABLE (exit 6), naming the URL', async () => {
    const closed = buildApiServer({ master: sim.master });
    const url = await listen(closed);
    await closed.close();
    const gone = new DroverClient({ url });
    const err = await rejects(gone.cluster.info(), { status: 0, code: 'UNAVAILABLE', exitCode: 6 });
    assert.equal(err.message, `cannot reach a master at ${url} (ECONNREFUSED)`);
  });

  it('cluster: info, leader, ping, agents (drain, undrain), queue, groups, deployments', async () => {
    const info = await client.cluster.info();
    assert.equal(info.name, 'drover');
    assert.equal(await client.cluster.leader(), info.leader);
    assert.equal(await client.cluster.ping(), 'pong');

    const agents = await client.agents.list();
    assert.ok(agents.length >= 1);
    const id = agents[0]!.id;
    assert.equal((await client.agents.drain(id)).draining, true);
    assert.equal((await client.agents.show(id)).draining, true);
    assert.equal((await client.agents.undrain(id)).draining, false);
    await rejects(client.agents.drain('no-such-agent'), { status: 404, code: 'NOT_FOUND', exitCode: 3 });

    assert.deepEqual(await client.queue.list(), []);
    await rejects(client.queue.resetDelay('/nope'), { status: 404, code: 'NOT_FOUND', exitCode: 3 });

    await client.groups.update('/g', { apps: [{ ...web, id: '/g/a', instances: 1 }] });
    const root = await client.groups.show();
    assert.deepEqual(
      root.groups.map((g) => g.id),
      ['/g'],
    );
    assert.equal((await client.groups.show('/g')).apps[0]?.id, '/g/a');
    assert.ok((await client.groups.versions('/g')).length >= 1);
    await settle();

    // A deployment that never finishes (never healthy), then rolled back, then one stopped.
    sim.probes.fallback = () => ({ kind: 'command', exitCode: 1 });
    const stuck = {
      ...web,
      id: '/stuck',
      instances: 1,
      healthChecks: [
        { protocol: 'COMMAND', command: { value: 'false' }, gracePeriodSeconds: 1, intervalSeconds: 1 },
      ],
    };
    const ref = await client.apps.update(stuck);
    const deployments = await client.deployments.list();
    assert.deepEqual(
      deployments.map((d) => d.id),
      [ref.deploymentId],
    );
    assert.deepEqual(deployments[0]?.affectedApps, ['/stuck']);
    await client.deployments.rollback(ref.deploymentId);
    await settle();
    const again = await client.apps.update(stuck);
    await client.deployments.stop(again.deploymentId);
    assert.deepEqual(await client.deployments.list(), []);
    await rejects(client.deployments.rollback('nope'), { status: 404, code: 'NOT_FOUND', exitCode: 3 });
    await client.groups.remove('/g', { force: true });
    await client.apps.remove('/stuck', { force: true });
    await settle();
  });

  it('jobs: add, show, search, summary, run now, history, run logs, graph, stats, remove', async () => {
    await client.jobs.put({ name: 'parent', command: 'echo p', schedule: 'R/2030-01-01T00:00:00Z/PT1H' });
    await client.jobs.put({ name: 'child', command: 'echo c', parents: ['parent'] });
    assert.deepEqual(
      (await client.jobs.list()).map((j) => j.name),
      ['child', 'parent'],
    );
    assert.deepEqual((await client.jobs.show('child')).parents, ['parent']);
    assert.deepEqual(
      (await client.jobs.search({ name: 'par' })).map((j) => j.name),
      ['parent'],
    );
    assert.deepEqual(
      (await client.jobs.summary()).map((j) => [j.name, j.status]),
      [
        ['child', 'fresh'],
        ['parent', 'fresh'],
      ],
    );
    assert.match(await client.jobs.graphDot(), /2 \[ label="parent" \];\n {2}2 -> 1;/);
    assert.match(await client.jobs.graphCsv(), /parent/);

    await client.jobs.start('parent');
    await sim.until(
      () => sim.executors.some((e) => e.running().some((t) => t.spec.appId.includes('parent'))),
      {
        what: 'the job task',
        stepMs: 50,
      },
    );
    const runs = await client.jobs.runs('parent');
    assert.equal(runs.runs.length, 1);
    const run = runs.runs[0]!;
    assert.equal(run.trigger, 'manual');
    assert.equal((await client.jobs.run('parent', run.dueAtMs)).dueAt, run.dueAt);
    assert.match(await client.jobs.runLogs('parent', run.dueAtMs), /^hello from /);
    assert.equal((await client.jobs.stat('parent')).histogram.count, 0);
    assert.ok(Array.isArray(await client.jobs.stats('median')));
    await client.jobs.kill('parent');

    await rejects(client.jobs.put({ name: 'orphan', command: 'x', parents: ['nope'] }), {
      status: 400,
      code: 'BAD_REQUEST',
      exitCode: 5,
    });
    await client.jobs.remove('child');
    await client.jobs.remove('parent');
    await rejects(client.jobs.show('parent'), { status: 404, code: 'NOT_FOUND', exitCode: 3 });
  });

  it('events: filtered by type, connection state, and a reconnect resumes from Last-Event-ID', async () => {
    const seen: ServerEvent[] = [];
    const states: StreamState[] = [];
    const stream = client.events({
      types: ['api_post_event'],
      onEvent: (e) => seen.push(e),
      onState: (s) => states.push(s),
      retryMs: 20,
    });
    await waitFor(() => stream.state === 'open', 'stream open');
    await client.apps.create({ ...web, id: '/ev1', instances: 0 });
    await waitFor(() => seen.length === 1, 'first event');
    assert.equal(seen[0]!.type, 'api_post_event');
    assert.equal(seen[0]!.data.eventType, 'api_post_event');
    const firstId = stream.lastEventId;
    assert.ok(firstId !== undefined);

    // The server ends every stream (as a restarting master would); events meanwhile are replayed.
    api.server.closeAllConnections();
    await client.apps.create({ ...web, id: '/ev2', instances: 0 }).catch(async () => {
      // The request may have ridden a connection that was just closed: once more.
      await client.apps.create({ ...web, id: '/ev2', instances: 0 });
    });
    await waitFor(() => seen.length === 2, 'the event sent while disconnected');
    assert.equal((seen[1]!.data as { uri?: string }).uri, '/v2/apps');
    assert.ok(Number(seen[1]!.id) > Number(firstId));
    assert.ok(states.includes('reconnecting'), states.join());
    stream.close();
    await stream.closed();
    assert.equal(stream.state, 'closed');
    assert.equal(seen.filter((e) => e.type !== 'api_post_event').length, 0);
    await client.apps.remove('/ev1');
    await client.apps.remove('/ev2');
    await settle();
  });
});

describe('DroverClient credentials', () => {
  let sim: Sim;
  let api: FastifyInstance;
  let url: string;
  before(async () => {
    sim = await createSim();
    api = buildApiServer({
      master: sim.master,
      clock: sim.clock,
      auth: { basic: { user: 'ops', password: 'p:w' }, bearerTokens: ['tok'] },
    });
    url = await listen(api);
  });
  after(async () => {
    await api.close();
    await sim.stop();
  });

  it('basic and bearer are admitted; none or a wrong one is 401 (exit 8), also for the event stream', async () => {
    const basic = new DroverClient({ url, credentials: { kind: 'basic', user: 'ops', password: 'p:w' } });
    const bearer = new DroverClient({ url, credentials: { kind: 'bearer', token: 'tok' } });
    assert.equal((await basic.cluster.info()).name, 'drover');
    assert.equal((await bearer.cluster.info()).name, 'drover');
    await rejects(new DroverClient({ url }).cluster.info(), {
      status: 401,
      code: 'UNAUTHORIZED',
      exitCode: 8,
    });
    const wrong = new DroverClient({ url, credentials: { kind: 'bearer', token: 'nope' } });
    await rejects(wrong.apps.list(), { status: 401, code: 'UNAUTHORIZED', exitCode: 8 });

    const states: Array<[StreamState, unknown]> = [];
    const stream = wrong.events({ onEvent: () => {}, onState: (s, e) => states.push([s, e]) });
    await stream.closed();
    const last = states.at(-1)!;
    assert.equal(last[0], 'closed');
    assert.equal((last[1] as ApiError).status, 401, 'a refused stream is not retried');
  });
});

async function waitFor(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
