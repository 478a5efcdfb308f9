/**
 * File secrets (Marathon's secret volumes, issue 12 item 3) against a real `drover up` with real
 * Docker: a process task finds the value at `$MESOS_SANDBOX/<containerPath>` (mode 0400), a
 * Docker task at an absolute path and in its sandbox mount; the value is in no API response,
 * event, log line of the master or checkpoint, and the files are gone once the tasks end.
 *
 * The tasks never print the value (their own logs are theirs): they write its SHA-256 and the
 * file's mode into their sandbox, which the test compares.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BUSYBOX_IMAGE } from './support/docker-fixtures.js';
import { waitFor } from './support/drover-process.js';
import { startWithSecrets } from './support/secret-drover.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-secret-files-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The sandbox of the (first) task of an app that has written `file`. */
function sandboxWith(dataDir: string, appPrefix: string, file: string): string | undefined {
  const sandboxes = join(dataDir, 'agents', 'agent-1', 'sandboxes');
  if (!existsSync(sandboxes)) return undefined;
  for (const task of readdirSync(sandboxes)) {
    const f = join(sandboxes, task, file);
    if (task.startsWith(appPrefix) && existsSync(f) && readFileSync(f, 'utf8').endsWith('\n')) {
      return join(sandboxes, task);
    }
  }
  return undefined;
}

test('file secrets reach process and Docker tasks as 0400 files and nothing else; removed when the tasks end', {
  timeout: 240_000,
}, async (t) => {
  const { d, events, value } = await startWithSecrets(t, { dir, name: 'file', docker: true });
  assert.equal((await d.api.raw('PUT', '/v2/secrets/tls/key', { body: { value } })).status, 200);

  const processApp = {
    id: '/file-secret',
    cmd: 'f=path/to/tls.key; sha256sum < "$MESOS_SANDBOX/$f" | cut -d" " -f1 > "$MESOS_SANDBOX/sum.txt"; stat -c %a "$MESOS_SANDBOX/$f" > "$MESOS_SANDBOX/mode.txt"; sleep 1000',
    cpus: 0.1,
    mem: 32,
    portDefinitions: [],
    container: { type: 'MESOS', volumes: [{ containerPath: 'path/to/tls.key', secret: 'key' }] },
    secrets: { key: { source: 'tls/key' } },
  };
  // A reference to a secret not declared in `secrets` is a 422 at the volume.
  const undeclared = await d.api.raw('POST', '/v2/apps', {
    body: { ...processApp, id: '/undeclared', secrets: {} },
  });
  assert.equal(undeclared.status, 422, undeclared.text);
  assert.match(undeclared.text, /\/container\/volumes\(0\)\/secret/);

  assert.equal((await d.api.raw('POST', '/v2/apps', { body: processApp })).status, 201);
  // sum.txt appears whole (written aside, then moved): the test reads it once it has a line.
  const dockerApp = {
    id: '/file-secret-docker',
    cmd: 'for f in /run/secrets/tls.key "$MESOS_SANDBOX/in/sandbox.key"; do sha256sum < "$f" | cut -d" " -f1; done > "$MESOS_SANDBOX/sum.tmp"; mv "$MESOS_SANDBOX/sum.tmp" "$MESOS_SANDBOX/sum.txt"; sleep 1000',
    cpus: 0.1,
    mem: 32,
    container: {
      type: 'DOCKER',
      docker: { image: BUSYBOX_IMAGE, network: 'HOST' },
      volumes: [
        { containerPath: '/run/secrets/tls.key', secret: 'key' },
        { containerPath: 'in/sandbox.key', secret: 'key' },
      ],
    },
    portDefinitions: [],
    secrets: { key: { source: 'tls/key' } },
  };
  assert.equal((await d.api.raw('POST', '/v2/apps', { body: dockerApp })).status, 201);

  const processBox = await waitFor(() => sandboxWith(d.dataDir, 'file-secret.', 'mode.txt'), {
    what: 'the process task to read its secret file',
    timeoutMs: 60_000,
  });
  assert.equal(readFileSync(join(processBox, 'sum.txt'), 'utf8').trim(), sha256(value));
  assert.equal(readFileSync(join(processBox, 'mode.txt'), 'utf8').trim(), '400');
  const dockerBox = await waitFor(() => sandboxWith(d.dataDir, 'file-secret-docker.', 'sum.txt'), {
    what: 'the Docker task to read its secret files',
    timeoutMs: 120_000,
  });
  assert.deepEqual(readFileSync(join(dockerBox, 'sum.txt'), 'utf8').trim().split('\n'), [
    sha256(value),
    sha256(value),
  ]);
  assert.equal(statSync(join(dockerBox, 'in', 'sandbox.key')).mode & 0o777, 0o400);

  // The definition shows the reference, as Marathon does; never the value.
  const apps = await d.api.raw('GET', '/v2/apps?embed=apps.tasks');
  assert.ok(!apps.text.includes(value), 'not in GET /v2/apps');
  assert.match(apps.text, /"containerPath":"path\/to\/tls.key","secret":"key"/);
  for (const path of ['/v2/tasks', '/v2/deployments', '/v2/queue', '/v2/apps/file-secret/versions']) {
    assert.ok(!(await d.api.raw('GET', path)).text.includes(value), path);
  }
  await waitFor(() => events.ofType('status_update_event').length >= 4, { what: 'status events' });
  assert.ok(!JSON.stringify(events.events).includes(value), 'not in /v2/events');
  assert.ok(!d.output().includes(value), 'not in the master log (debug level)');
  for (const box of [processBox, dockerBox]) {
    const checkpoint = readFileSync(join(box, '.drover-task.json'), 'utf8');
    assert.ok(checkpoint.includes('"secret":"key"'), 'the checkpoint keeps the reference');
    assert.ok(!checkpoint.includes(value), 'not in the checkpoint');
  }

  // In use: the secret cannot be deleted. Once the tasks have ended their files are gone.
  assert.equal((await d.api.raw('DELETE', '/v2/secrets/tls/key')).status, 409);
  assert.equal((await d.api.raw('DELETE', '/v2/apps/file-secret')).status, 200);
  assert.equal((await d.api.raw('DELETE', '/v2/apps/file-secret-docker')).status, 200);
  await waitFor(
    () =>
      !existsSync(join(processBox, 'path/to/tls.key')) &&
      !existsSync(join(dockerBox, 'in/sandbox.key')) &&
      readdirSync(join(dockerBox, '.drover-secrets')).length === 0,
    { what: 'the secret files removed once the tasks ended', timeoutMs: 60_000 },
  );
  assert.ok(existsSync(join(processBox, 'sum.txt')), 'the rest of the sandbox stays, for its logs');
  assert.equal((await d.api.raw('DELETE', '/v2/secrets/tls/key')).status, 204);
});
