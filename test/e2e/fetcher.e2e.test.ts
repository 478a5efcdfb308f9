/**
 * Issue 13, the fetcher, on a real `drover up` with a real HTTP server on 127.0.0.1 that counts
 * requests: an app fetching a tar.gz runs the script inside it; a second task of the same URI
 * (cache: true) is served from the agent's cache (the server sees one request); a 404 fails the
 * task with the reason in lastTaskFailure; a zip's executable entries and an `executable` script
 * run as they are; a Chronos job gets its fetch too.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { type FileServer, sandboxOf as sandboxOfIn, startFileServer } from './support/file-server.js';

interface TaskJson {
  id: string;
  state: string;
}

const files = new Map<string, Buffer>();
let server: FileServer;
let base = '';
let hits: Map<string, number>;
const work = mkdtempSync(join(tmpdir(), 'drover-e2e-fetch-'));

function buildArtifacts(): void {
  const tree = join(work, 'tree');
  mkdirSync(join(tree, 'bin'), { recursive: true });
  // The script proves it ran from the extracted archive by leaving a file next to it.
  writeFileSync(
    join(tree, 'bin', 'run.sh'),
    'echo "ran from $(dirname "$0")" > "$MESOS_SANDBOX/ran"\nexec sleep 600\n',
  );
  execFileSync('tar', ['-czf', join(work, 'app.tar.gz'), '-C', tree, 'bin']);
  files.set('/app.tar.gz', readFileSync(join(work, 'app.tar.gz')));
  // A zip whose entry carries the executable bit (unix mode in the external attributes).
  execFileSync('/usr/bin/python3', [
    '-c',
    [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1], "w")',
      'i = zipfile.ZipInfo("tools/hello")',
      'i.external_attr = (0o100755 << 16)',
      'z.writestr(i, "#!/bin/sh\\necho zipped > \\"$MESOS_SANDBOX/zipped\\"\\nexec sleep 600\\n")',
      'z.close()',
    ].join('\n'),
    join(work, 'tools.zip'),
  ]);
  files.set('/tools.zip', readFileSync(join(work, 'tools.zip')));
  files.set('/plain.sh', Buffer.from('#!/bin/sh\necho plain > "$MESOS_SANDBOX/plain"\nexec sleep 600\n'));
}

before(async () => {
  buildArtifacts();
  server = await startFileServer(files);
  base = server.base;
  hits = server.hits;
});

after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const sandboxOf = (d: DroverProcess, taskId: string) => sandboxOfIn(d.dataDir, taskId);

function dirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function runningTasks(d: DroverProcess, appId: string, n: number): Promise<TaskJson[]> {
  return waitFor(
    async () => {
      const ts = (await d.api.get<{ tasks: TaskJson[] }>(`/v2/apps${appId}/tasks`)).tasks.filter(
        (t) => t.state === 'TASK_RUNNING',
      );
      return ts.length === n ? ts : undefined;
    },
    { what: `${n} running tasks of ${appId}`, timeoutMs: 60_000 },
  );
}

async function fileIn(d: DroverProcess, taskId: string, name: string): Promise<string> {
  return waitFor(
    () => {
      const dir = sandboxOf(d, taskId);
      const f = dir && join(dir, name);
      return f && existsSync(f) ? readFileSync(f, 'utf8') : undefined;
    },
    { what: `${name} in the sandbox of ${taskId}` },
  );
}

describe('fetcher (Mesos semantics) on drover up', { timeout: 240_000 }, () => {
  it('tar.gz extracted and run; a second task of the URI hits the cache; 404 fails with the reason', async (t) => {
    // One agent, so both tasks share one agent's cache.
    const d = await DroverProcess.startFor(t, { agents: 1 });
    await d.api.json('POST', '/v2/apps', {
      id: '/tarball',
      cmd: 'sh "$MESOS_SANDBOX/bin/run.sh"',
      cpus: 0.1,
      mem: 16,
      fetch: [{ uri: `${base}/app.tar.gz`, cache: true }],
    });
    const [first] = await runningTasks(d, '/tarball', 1);
    assert.match(await fileIn(d, first!.id, 'ran'), /ran from .*\/bin/);
    assert.ok(existsSync(join(sandboxOf(d, first!.id)!, 'app.tar.gz')), 'the archive stays, as in Mesos');
    assert.equal(hits.get('/app.tar.gz'), 1);

    await d.api.json('PUT', '/v2/apps/tarball', { instances: 2 });
    const both = await runningTasks(d, '/tarball', 2);
    const second = both.find((x) => x.id !== first!.id)!;
    assert.match(await fileIn(d, second.id, 'ran'), /ran from/);
    assert.equal(hits.get('/app.tar.gz'), 1, 'the second task was served from the agent cache');

    await d.api.json('POST', '/v2/apps', {
      id: '/missing',
      cmd: 'sleep 600',
      cpus: 0.1,
      mem: 16,
      uris: [`${base}/nope.tgz`],
    });
    const failure = await waitFor(
      async () => {
        const app = (
          await d.api.get<{ app: { lastTaskFailure?: { message: string; state: string } } }>(
            '/v2/apps/missing',
          )
        ).app;
        return app.lastTaskFailure;
      },
      { what: 'lastTaskFailure of /missing', timeoutMs: 60_000 },
    );
    t.diagnostic(`lastTaskFailure: ${failure.state} ${failure.message}`);
    assert.equal(failure.state, 'TASK_FAILED');
    assert.match(failure.message, /nope\.tgz/);
    assert.match(failure.message, /404/);
    // Retried with the app's backoff: the server keeps seeing the URI (launch after launch).
    await waitFor(() => (hits.get('/nope.tgz') ?? 0) >= 2, { what: 'a second attempt', timeoutMs: 60_000 });
  });

  it('a zip with executable entries, and an `executable` script, run as fetched', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    await d.api.json('POST', '/v2/apps', {
      id: '/zipped',
      cmd: '"$MESOS_SANDBOX/tools/hello"',
      cpus: 0.1,
      mem: 16,
      fetch: [{ uri: `${base}/tools.zip` }],
    });
    await d.api.json('POST', '/v2/apps', {
      id: '/plain',
      cmd: '"$MESOS_SANDBOX/start"',
      cpus: 0.1,
      mem: 16,
      fetch: [{ uri: `${base}/plain.sh`, executable: true, destPath: 'start' }],
    });
    const [z] = await runningTasks(d, '/zipped', 1);
    assert.equal((await fileIn(d, z!.id, 'zipped')).trim(), 'zipped');
    const [p] = await runningTasks(d, '/plain', 1);
    assert.equal((await fileIn(d, p!.id, 'plain')).trim(), 'plain');
  });

  it('a Chronos job fetches with the same fetcher', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    const res = await d.api.raw('POST', '/scheduler/iso8601', {
      body: {
        name: 'fetching-job',
        command: 'sh "$MESOS_SANDBOX/bin/run.sh"',
        schedule: 'R/2030-01-01T00:00:00Z/PT1H',
        cpus: 0.1,
        mem: 16,
        fetch: [{ uri: `${base}/app.tar.gz`, extract: true, executable: false, cache: false }],
      },
    });
    assert.ok([200, 201, 204].includes(res.status), res.text);
    const before = hits.get('/app.tar.gz') ?? 0;
    assert.equal((await d.api.raw('PUT', '/scheduler/job/fetching-job')).status, 204);
    await waitFor(() => (hits.get('/app.tar.gz') ?? 0) > before, {
      what: 'the job fetching',
      timeoutMs: 60_000,
    });
    await waitFor(
      () => {
        const agents = join(d.dataDir, 'agents');
        for (const a of dirs(agents)) {
          const sb = join(agents, a, 'sandboxes');
          for (const task of dirs(sb)) if (existsSync(join(sb, task, 'ran'))) return true;
        }
        return false;
      },
      { what: 'the job ran the fetched script', timeoutMs: 60_000 },
    );
  });
});
