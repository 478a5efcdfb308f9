import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeDockerDaemon } from '../../testing/fake-docker-daemon.js';
import { waitFor } from '../../testing/wait-for.js';
import { type DockerApiError, DockerEngine } from './engine-client.js';
import type { Frame } from './log-frames.js';
import type { PullLine } from './pull-progress.js';

let daemon: FakeDockerDaemon;
let engine: DockerEngine;

before(async () => {
  daemon = await FakeDockerDaemon.start();
  engine = new DockerEngine({ socketPath: daemon.socketPath, requestTimeoutMs: 5_000 });
});
after(async () => {
  await engine.close();
  await daemon.stop();
});

describe('docker engine client (fake daemon)', () => {
  test('ping answers; every API path carries the pinned version', async () => {
    assert.equal(await engine.ping(), true);
    assert.equal((await engine.version()).ApiVersion, '1.41');
    assert.ok(daemon.paths.includes('/v1.41/_ping'));
    assert.ok(daemon.paths.every((p) => p.startsWith('/v1.41/')));
  });

  test('ping is false when nothing listens', async () => {
    const nobody = new DockerEngine({ socketPath: `${daemon.socketPath}.missing` });
    assert.equal(await nobody.ping(), false);
    await nobody.close();
  });

  test('pull streams progress and sends the registry auth header', async () => {
    daemon.pulls.set('reg:5000/app:v1', {
      lines: [
        { status: 'Pulling from app', id: 'v1' },
        { status: 'Pulling fs layer', id: 'l1' },
        { status: 'Pull complete', id: 'l1' },
        { status: 'Status: Downloaded newer image for reg:5000/app:v1' },
      ],
    });
    const lines: PullLine[] = [];
    await engine.pull(
      { fromImage: 'reg:5000/app', tag: 'v1' },
      { authHeader: 'abc', onLine: (l) => lines.push(l) },
    );
    assert.equal(lines.length, 4);
    assert.deepEqual(daemon.pullRequests.at(-1), { image: 'reg:5000/app:v1', auth: 'abc' });
    assert.equal(await engine.hasImage('reg:5000/app:v1'), true);
    assert.equal(await engine.hasImage('reg:5000/app:v2'), false);
  });

  test('an image inspect the engine refuses rejects with the engine message', async () => {
    daemon.inspectErrors.set('broken:1', { status: 500, message: 'layer does not exist: sha256:0f1e' });
    await assert.rejects(
      engine.hasImage('broken:1'),
      (err: DockerApiError) => err.status === 500 && err.message === 'layer does not exist: sha256:0f1e',
    );
    daemon.inspectErrors.delete('broken:1');
  });

  test('a pull failing inside a 200 stream rejects with the engine message', async () => {
    await assert.rejects(
      engine.pull({ fromImage: 'reg:5000/none', tag: 'v9' }),
      (err: DockerApiError) => err.message === 'manifest for reg:5000/none:v9 not found',
    );
  });

  test('a pull refused with a status code rejects with the engine message', async () => {
    daemon.pulls.set('private/x:latest', { status: 404, message: 'pull access denied for private/x' });
    await assert.rejects(
      engine.pull({ fromImage: 'private/x', tag: 'latest' }),
      (err: DockerApiError) => err.status === 404 && err.message === 'pull access denied for private/x',
    );
  });

  test('create, start, logs (demultiplexed, followed to the end), wait, inspect, remove', async () => {
    daemon.images.add('img:1');
    const { Id } = await engine.createContainer('c1', { Image: 'img:1', Labels: { 'drover.task-id': 't1' } });
    await assert.rejects(
      engine.createContainer('c1', { Image: 'img:1' }),
      (err: DockerApiError) => err.status === 409 && /already in use/.test(err.message),
    );
    await engine.startContainer(Id);
    await engine.startContainer(Id); // 304: already started is fine
    assert.equal((await engine.inspectContainer(Id))?.State.Running, true);

    const frames: Frame[] = [];
    const following = (async () => {
      for await (const f of engine.logs(Id, { follow: true })) frames.push(f);
    })();
    const waiting = engine.waitContainer(Id);
    daemon.log(Id, 'stdout', 'one\n');
    daemon.log(Id, 'stderr', 'two\n');
    await waitFor(() => frames.length === 2, 'two frames');
    daemon.exit(Id, 3);
    assert.equal((await waiting).StatusCode, 3);
    await following;
    assert.deepEqual(
      frames.map((f) => `${f.stream}:${f.data}`),
      ['stdout:one\n', 'stderr:two\n'],
    );
    assert.deepEqual(
      (await engine.listContainers(['drover.task-id=t1'])).map((c) => c.Id),
      [Id],
    );
    assert.deepEqual(await engine.listContainers(['drover.task-id=other']), []);
    await engine.removeContainer(Id);
    await engine.removeContainer(Id); // 404: already gone is fine
    assert.equal(await engine.inspectContainer(Id), undefined);
  });

  test('stop passes the grace in seconds; kill of an ended container is not an error', async () => {
    daemon.images.add('img:1');
    const { Id } = await engine.createContainer('c2', { Image: 'img:1' });
    await engine.startContainer(Id);
    await engine.stopContainer(Id, 7);
    assert.ok(daemon.containers.get(Id)!.calls.includes('POST stop t=7'));
    await engine.killContainer(Id, 'SIGKILL');
    assert.equal((await engine.waitContainer(Id)).StatusCode, 143);
  });

  test('exec: create, start (demultiplexed output), inspect exit code', async () => {
    daemon.images.add('img:1');
    const { Id } = await engine.createContainer('c3', { Image: 'img:1' });
    await engine.startContainer(Id);
    daemon.execHandler = (_c, cmd) => ({ stdout: `ran ${cmd.join(' ')}\n`, stderr: 'warn\n', exitCode: 2 });
    const exec = await engine.execCreate(Id, ['/bin/sh', '-c', 'check']);
    const out = await engine.execStart(exec);
    assert.deepEqual(out, { stdout: 'ran /bin/sh -c check\n', stderr: 'warn\n', truncated: false });
    assert.equal((await engine.execInspect(exec)).ExitCode, 2);
  });

  test('exec output is capped', async () => {
    daemon.images.add('img:1');
    const { Id } = await engine.createContainer('c4', { Image: 'img:1' });
    await engine.startContainer(Id);
    daemon.execHandler = () => ({ stdout: 'x'.repeat(100), exitCode: 0 });
    const out = await engine.execStart(await engine.execCreate(Id, ['true']), { maxBytes: 10 });
    assert.equal(out.stdout, 'x'.repeat(10));
    assert.equal(out.truncated, true);
  });

  test('an aborted wait rejects and leaves the container alone', async () => {
    daemon.images.add('img:1');
    const { Id } = await engine.createContainer('c5', { Image: 'img:1' });
    await engine.startContainer(Id);
    const ac = new AbortController();
    const waiting = engine.waitContainer(Id, ac.signal);
    ac.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(daemon.containers.get(Id)!.state, 'running');
  });
});
