import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLive } from '../../testing/proc.js';
import { shellSpawnRequest } from '../../testing/spawn-request.js';
import { shellTask } from '../../testing/task-spec.js';
import { tempDir } from '../../testing/temp-dir.js';
import { waitFor, within } from '../../testing/wait-for.js';
import type { LaunchContext, RunningTask } from '../executor.js';
import { createProcessExecutor } from '../process-executor.js';
import { HelperSpawner } from './helper-spawner.js';
import { SpawnerLost, type SpawnRequest } from './task-spawner.js';

let root: { path: string; remove: () => Promise<void> };
let n = 0;
const started: RunningTask[] = [];

before(async () => {
  root = await tempDir();
});
after(async () => {
  await Promise.all(started.map((t) => t.kill(0)));
  await root.remove();
});

async function sandbox(): Promise<string> {
  const dir = join(root.path, `s${++n}`);
  await mkdir(dir);
  return dir;
}

async function request(command: string): Promise<SpawnRequest> {
  return shellSpawnRequest(await sandbox(), command);
}

describe('spawner helper', () => {
  test('starts a process in its own group, with its logs, and reports its exit', async () => {
    const spawner = new HelperSpawner();
    const req = await request('echo "$$ $(ps -o pgid= -p $$)"; echo err >&2; exit 3');
    const child = await spawner.spawn(req);
    assert.ok(child.pid > 0);
    assert.equal(typeof child.startTime, 'number');
    assert.deepEqual(await within(child.exit, 'the exit'), { exitCode: 3, signal: null });
    const [pid, pgid] = (await readFile(req.stdout, 'utf8')).trim().split(/\s+/).map(Number);
    assert.equal(pid, child.pid);
    assert.equal(pgid, child.pid, 'the task leads its own process group');
    assert.equal(await readFile(req.stderr, 'utf8'), 'err\n');
    assert.notEqual(spawner.pid, process.pid, 'the fork happened in the helper');
  });

  test('a spawn error comes back with its code and message', async () => {
    const spawner = new HelperSpawner();
    const req = { ...(await request('')), file: '/no/such/program', args: [] };
    await assert.rejects(spawner.spawn(req), (e: NodeJS.ErrnoException) => {
      assert.equal(e.code, 'ENOENT');
      assert.match(e.message, /ENOENT/);
      return true;
    });
  });

  test('a gated process runs its command only after the gate opens; a closed gate runs nothing', async () => {
    const spawner = new HelperSpawner();
    const gate = ['-c', 'IFS= read -r go && [ "$go" = go ] || exit 125; exec "$@"', 'gate', '/bin/sh', '-c'];
    const open = { ...(await request('')), gated: true };
    const a = await spawner.spawn({ ...open, args: [...gate, 'echo ran'] });
    a.gate(true);
    assert.equal((await within(a.exit, 'the opened one')).exitCode, 0);
    assert.equal(await readFile(open.stdout, 'utf8'), 'ran\n');
    const closed = { ...(await request('')), gated: true };
    const b = await spawner.spawn({ ...closed, args: [...gate, 'echo ran'] });
    b.gate(false);
    assert.equal((await within(b.exit, 'the refused one')).exitCode, 125);
    assert.equal(await readFile(closed.stdout, 'utf8'), '');
  });

  test('when the helper dies, running processes are lost to it but keep running; the next spawn starts a new one', async () => {
    const spawner = new HelperSpawner();
    const child = await spawner.spawn(await request('sleep 30'));
    const first = spawner.pid!;
    process.kill(first, 'SIGKILL');
    await assert.rejects(within(child.exit, 'the loss'), SpawnerLost);
    assert.ok(isLive(child.pid), 'the task outlives the helper');
    process.kill(-child.pid, 'SIGKILL');
    const next = await spawner.spawn(await request('exit 0'));
    assert.notEqual(spawner.pid, first);
    assert.equal((await within(next.exit, 'the exit')).exitCode, 0);
  });

  test('the process executor watches a task through /proc once its helper died', async () => {
    const spawner = new HelperSpawner();
    const executor = createProcessExecutor({ spawner, reattachedPollMs: 20 });
    const dir = await sandbox();
    const ctx: LaunchContext = {
      sandbox: dir,
      env: {},
      logs: { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') },
    };
    const task = await executor.launch(shellTask('t-helper-lost', 'sleep 30'), ctx);
    started.push(task);
    process.kill(spawner.pid!, 'SIGKILL');
    await waitFor(() => spawner.pid === undefined, 'the helper to be gone');
    process.kill(-task.pid!, 'SIGKILL');
    assert.deepEqual(await within(task.exited, 'the end seen through /proc'), {
      exitCode: null,
      signal: null,
    });
  });
});
