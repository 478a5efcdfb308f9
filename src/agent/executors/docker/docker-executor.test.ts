/** Docker executor behaviour beyond the contract, against the fake daemon (no engine needed). */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TaskSpec } from '../../../domain/agent-protocol.js';
import { FakeDockerDaemon } from '../../testing/fake-docker-daemon.js';
import { shellTask } from '../../testing/task-spec.js';
import { tempDir } from '../../testing/temp-dir.js';
import { waitFor, within } from '../../testing/wait-for.js';
import type { LaunchContext } from '../executor.js';
import { LABEL } from './container-config.js';
import { DockerExecutor } from './docker-executor.js';
import { DockerEngine } from './engine-client.js';

let daemon: FakeDockerDaemon;
let engine: DockerEngine;
let root: { path: string; remove: () => Promise<void> };
let n = 0;

before(async () => {
  daemon = await FakeDockerDaemon.start();
  engine = new DockerEngine({ socketPath: daemon.socketPath, requestTimeoutMs: 5_000 });
  root = await tempDir('drover-docker-exec-');
});
after(async () => {
  await engine.close();
  await daemon.stop();
  await root.remove();
});

function executor(extra: Partial<ConstructorParameters<typeof DockerExecutor>[0]> = {}): DockerExecutor {
  return new DockerExecutor({
    engine,
    bindAddress: '127.0.0.1',
    agentName: 'a1',
    owner: 'owner-1',
    logDrainMs: 500,
    ...extra,
  });
}

function spec(image: string, extra: Partial<NonNullable<TaskSpec['container']>['docker']> = {}): TaskSpec {
  const taskId = `t${++n}`;
  return {
    ...shellTask(taskId, 'serve'),
    container: {
      type: 'DOCKER',
      docker: { image, privileged: false, parameters: [], forcePullImage: false, ...extra },
      volumes: [],
    },
    networks: [{ mode: 'container/bridge' }],
  };
}

async function context(s: TaskSpec, progress?: string[]): Promise<LaunchContext> {
  const sandbox = join(root.path, s.taskId);
  await mkdir(sandbox, { recursive: true });
  return {
    sandbox,
    env: { MESOS_SANDBOX: sandbox },
    logs: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') },
    ...(progress ? { progress: (m: string) => progress.push(m) } : {}),
  };
}

describe('docker executor (fake daemon)', () => {
  test('pulls a missing image with the agent credentials and reports progress', async () => {
    daemon.pulls.set('reg:5000/app:v1', {
      lines: [
        { status: 'Pulling fs layer', id: 'a' },
        { status: 'Downloading', id: 'a', progressDetail: { current: 5e5, total: 1e6 } },
        { status: 'Pull complete', id: 'a' },
      ],
    });
    const ex = executor({ registryAuth: { 'reg:5000': { username: 'ci', password: 'pw' } } });
    const s = spec('reg:5000/app:v1');
    const progress: string[] = [];
    const task = await ex.launch(s, await context(s, progress));
    const auth = daemon.pullRequests.find((p) => p.image === 'reg:5000/app:v1')?.auth;
    assert.deepEqual(JSON.parse(Buffer.from(auth!, 'base64url').toString()), {
      username: 'ci',
      password: 'pw',
      serveraddress: 'reg:5000',
    });
    assert.deepEqual(progress, [
      'Pulling image reg:5000/app:v1',
      'Pulling image reg:5000/app:v1: 0/1 layers',
      'Pulling image reg:5000/app:v1: 0/1 layers, 0.5/1.0 MB',
      'Pulling image reg:5000/app:v1: 1/1 layers, 1.0/1.0 MB',
    ]);
    const c = daemon.byName(`drover-${s.taskId}`)!;
    assert.equal(c.labels[LABEL.taskId], s.taskId);
    assert.equal(c.labels[LABEL.owner], 'owner-1');
    await task.kill(0);
  });

  test('present images are not pulled unless forcePullImage', async () => {
    daemon.images.add('local/img:latest');
    daemon.pulls.set('local/img:latest', { lines: [] });
    const before = daemon.pullRequests.length;
    const a = spec('local/img');
    const t1 = await executor().launch(a, await context(a));
    assert.equal(daemon.pullRequests.length, before);
    const b = spec('local/img', { forcePullImage: true });
    const t2 = await executor().launch(b, await context(b));
    assert.equal(daemon.pullRequests.length, before + 1);
    await Promise.all([t1.kill(0), t2.kill(0)]);
  });

  test('a pull that fails rejects the launch with the engine message', async () => {
    const s = spec('reg:5000/missing:v9');
    await assert.rejects(
      executor().launch(s, await context(s)),
      (err: Error) =>
        err.message ===
        'Failed to pull image reg:5000/missing:v9: manifest for reg:5000/missing:v9 not found',
    );
    assert.equal(daemon.byName(`drover-${s.taskId}`), undefined, 'no container left behind');
  });

  test('privileged is refused before anything is pulled', async () => {
    const before = daemon.pullRequests.length;
    const s = spec('reg:5000/never:v1', { privileged: true });
    await assert.rejects(executor().launch(s, await context(s)), /Privileged containers are not allowed/);
    assert.equal(daemon.pullRequests.length, before);
  });

  test('exit: logs land in the sandbox files, the exit code is reported, the container is removed', async () => {
    daemon.images.add('local/img:latest');
    const s = spec('local/img');
    const ctx = await context(s);
    const task = await executor().launch(s, ctx);
    const id = String(task.handle?.containerId);
    daemon.log(id, 'stdout', 'hello\n');
    daemon.log(id, 'stderr', 'warning\n');
    await waitFor(
      async () => (await readFile(ctx.logs.stderr, 'utf8').catch(() => '')) === 'warning\n',
      'stderr',
    );
    daemon.exit(id, 4);
    assert.deepEqual(await within(task.exited, 'exit'), { exitCode: 4, signal: null });
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), 'hello\n');
    await waitFor(() => !daemon.containers.has(id), 'container removed');
  });

  test('kill: the grace goes to the engine in whole seconds; zero grace is SIGKILL', async () => {
    daemon.images.add('local/img:latest');
    const a = spec('local/img');
    const t1 = await executor().launch(a, await context(a));
    const c1 = daemon.containers.get(String(t1.handle?.containerId))!;
    await t1.kill(2_500);
    assert.ok(c1.calls.includes('POST stop t=3'), c1.calls.join(', '));
    const b = spec('local/img');
    const t2 = await executor().launch(b, await context(b));
    const calls = daemon.containers.get(String(t2.handle?.containerId))!.calls;
    await t2.kill(0);
    assert.ok(calls.includes('POST kill signal=SIGKILL'), calls.join(', '));
  });

  test('re-attach resumes the log copy where it stopped, without repeating lines', async () => {
    daemon.images.add('local/img:latest');
    const s = spec('local/img');
    const ctx = await context(s);
    const task = await executor().launch(s, ctx);
    const id = String(task.handle?.containerId);
    daemon.log(id, 'stdout', 'before\n');
    await waitFor(
      async () => (await readFile(ctx.logs.stdout, 'utf8').catch(() => '')) === 'before\n',
      'first line',
    );
    await waitFor(
      async () =>
        (await readFile(join(ctx.sandbox, '.drover-docker-logs.json'), 'utf8').catch(() => '')) !== '',
      'cursor',
    );
    task.detach();
    // Log times have millisecond precision in the fake: make the next line visibly later.
    await waitFor(() => Date.now() > daemon.containers.get(id)!.logs.at(-1)!.at + 2, 'clock to move');
    daemon.log(id, 'stdout', 'while away\n');
    const adopted = await executor().reattach({
      spec: s,
      sandbox: ctx.sandbox,
      logs: ctx.logs,
      handle: task.handle,
    });
    assert.ok(adopted);
    daemon.log(id, 'stdout', 'after\n');
    await waitFor(
      async () => (await readFile(ctx.logs.stdout, 'utf8')) === 'before\nwhile away\nafter\n',
      'every line once',
    );
    await adopted.kill(0);
  });

  test('re-attach of a container that ended while the agent was down: noted in stderr, removed, gone', async () => {
    daemon.images.add('local/img:latest');
    const s = spec('local/img');
    const ctx = await context(s);
    const task = await executor().launch(s, ctx);
    const id = String(task.handle?.containerId);
    task.detach();
    daemon.exit(id, 7);
    const adopted = await executor().reattach({
      spec: s,
      sandbox: ctx.sandbox,
      logs: ctx.logs,
      handle: task.handle,
    });
    assert.equal(adopted, undefined);
    assert.match(
      await readFile(ctx.logs.stderr, 'utf8'),
      /container exited with status 7 while the agent was down/,
    );
    assert.equal(daemon.containers.has(id), false);
  });

  test('re-attach without a handle removes what a cut-short launch created', async () => {
    daemon.images.add('local/img:latest');
    const s = spec('local/img');
    const ctx = await context(s);
    const task = await executor().launch(s, ctx);
    const id = String(task.handle?.containerId);
    task.detach();
    assert.equal(
      await executor().reattach({ spec: s, sandbox: ctx.sandbox, logs: ctx.logs, handle: undefined }),
      undefined,
    );
    assert.equal(daemon.containers.has(id), false);
  });

  test('removeStrays removes only this agent containers no task accounts for', async () => {
    daemon.images.add('local/img:latest');
    const mine = executor({ owner: 'sweeper' });
    const other = executor({ owner: 'someone-else' });
    const [a, b, c] = [spec('local/img'), spec('local/img'), spec('local/img')];
    const ta = await mine.launch(a, await context(a));
    const tb = await mine.launch(b, await context(b));
    const tc = await other.launch(c, await context(c));
    ta.detach();
    tb.detach();
    const restarted = executor({ owner: 'sweeper' });
    const removed = await restarted.removeStrays(new Set([a.taskId]));
    assert.deepEqual(removed, [b.taskId]);
    assert.ok(daemon.containers.has(String(ta.handle?.containerId)));
    assert.ok(!daemon.containers.has(String(tb.handle?.containerId)));
    assert.ok(daemon.containers.has(String(tc.handle?.containerId)), "another agent's container stays");
    await restarted.removeStrays(new Set());
    await tc.kill(0);
  });

  test('a leftover container of the same task (earlier try) is replaced', async () => {
    daemon.images.add('local/img:latest');
    const s = spec('local/img');
    const first = await executor().launch(s, await context(s));
    first.detach();
    const second = await executor().launch(s, await context(s));
    assert.notEqual(second.handle?.containerId, first.handle?.containerId);
    assert.equal(daemon.containers.has(String(first.handle?.containerId)), false);
    await second.kill(0);
  });
});
