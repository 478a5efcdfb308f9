import assert from 'node:assert/strict';
import { chown, link, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CHECKPOINT_FILE, parseCheckpoint, type TaskCheckpoint, TaskCheckpoints } from './checkpoint.js';
import { Sandboxes } from './sandbox.js';
import { shellTask } from './testing/task-spec.js';
import { tempDir } from './testing/temp-dir.js';

let root: { path: string; remove: () => Promise<void> };
let n = 0;

before(async () => {
  root = await tempDir();
});
after(() => root.remove());

function checkpointFor(taskId: string, extra: Partial<TaskCheckpoint> = {}): TaskCheckpoint {
  return {
    format: 1,
    taskId,
    appId: '/test',
    executor: 'process',
    spec: shellTask(taskId, 'true'),
    ...extra,
  };
}

async function fresh(): Promise<{ sandboxes: Sandboxes; checkpoints: TaskCheckpoints }> {
  const sandboxes = new Sandboxes(join(root.path, `w${++n}`));
  return { sandboxes, checkpoints: new TaskCheckpoints(sandboxes) };
}

describe('task checkpoints', () => {
  test('a written checkpoint reads back whole, owner-only, with no temp file left', async () => {
    const { sandboxes, checkpoints } = await fresh();
    const dir = await sandboxes.create('web.1');
    const cp = checkpointFor('web.1', { handle: { pid: 10, startTime: 5, bootId: 'b' } });
    await checkpoints.write(cp);
    await checkpoints.write({ ...cp, ended: { state: 'TASK_FINISHED', message: 'done' } });
    const { checkpoints: all, unreadable } = await checkpoints.readAll();
    assert.deepEqual(all, [{ ...cp, ended: { state: 'TASK_FINISHED', message: 'done' } }]);
    assert.deepEqual(unreadable, []);
    assert.deepEqual(await readdir(dir), [CHECKPOINT_FILE]);
    assert.equal((await stat(join(dir, CHECKPOINT_FILE))).mode & 0o777, 0o600);
  });

  test('writes for one task land in the order they were made', async () => {
    const { sandboxes, checkpoints } = await fresh();
    await sandboxes.create('t.1');
    const writes = Array.from({ length: 20 }, (_, i) =>
      checkpoints.write(checkpointFor('t.1', { handle: { i } })),
    );
    await Promise.all(writes);
    const text = await readFile(join(sandboxes.pathOf('t.1'), CHECKPOINT_FILE), 'utf8');
    assert.deepEqual(JSON.parse(text).handle, { i: 19 });
  });

  test('no sandboxes yet, sandboxes without checkpoints and stray files are not errors', async () => {
    const { sandboxes, checkpoints } = await fresh();
    assert.deepEqual(await checkpoints.readAll(), { checkpoints: [], unreadable: [] });
    await sandboxes.create('old.1');
    await writeFile(join(sandboxes.root, 'not-a-dir'), 'x');
    assert.deepEqual(await checkpoints.readAll(), { checkpoints: [], unreadable: [] });
  });

  test('damaged or foreign checkpoints are reported, not trusted', async () => {
    const { sandboxes, checkpoints } = await fresh();
    const put = async (taskId: string, text: string) => {
      await mkdir(join(sandboxes.root, taskId), { recursive: true });
      await writeFile(join(sandboxes.root, taskId, CHECKPOINT_FILE), text);
    };
    await put('half.1', '{"format":1,"taskId":"ha');
    await put('moved.1', JSON.stringify(checkpointFor('other.1')));
    await put('good.1', JSON.stringify(checkpointFor('good.1')));
    const { checkpoints: all, unreadable } = await checkpoints.readAll();
    assert.deepEqual(
      all.map((c) => c.taskId),
      ['good.1'],
    );
    assert.deepEqual(
      unreadable.map((u) => u.taskId),
      ['half.1', 'moved.1'],
    );
    assert.match(unreadable[0]!.error, /invalid JSON/);
    assert.match(unreadable[1]!.error, /does not match its sandbox/);
  });

  test('parse rejects what recovery could not act on', () => {
    const ok = checkpointFor('a.1');
    assert.equal(typeof parseCheckpoint(JSON.stringify(ok), 'a.1'), 'object');
    assert.match(parseCheckpoint(JSON.stringify({ ...ok, format: 2 }), 'a.1') as string, /format/);
    assert.match(
      parseCheckpoint(JSON.stringify({ ...ok, spec: { ...ok.spec, taskId: 'b.1' } }), 'a.1') as string,
      /spec/,
    );
    assert.match(parseCheckpoint(JSON.stringify({ ...ok, handle: 3 }), 'a.1') as string, /handle/);
  });

  test('a checkpoint the agent did not write, or a link in its place, is not believed', async () => {
    assert.equal(process.getuid?.(), 0, 'this test needs root to give a file away (CI runs as root)');
    const { sandboxes, checkpoints } = await fresh();
    for (const id of ['given.1', 'linked.1', 'own.1']) {
      await sandboxes.create(id);
      await checkpoints.write(checkpointFor(id));
    }
    // What a task owning its sandbox (switchUser) could leave there.
    await chown(join(sandboxes.pathOf('given.1'), CHECKPOINT_FILE), 65534, 65534);
    const linked = join(sandboxes.pathOf('linked.1'), CHECKPOINT_FILE);
    await rename(linked, join(sandboxes.pathOf('linked.1'), 'real.json'));
    await symlink('real.json', linked);
    const { checkpoints: all, unreadable } = await checkpoints.readAll();
    assert.deepEqual(
      all.map((c) => c.taskId),
      ['own.1'],
    );
    assert.deepEqual(
      unreadable.map((u) => u.taskId),
      ['given.1', 'linked.1'],
    );
    assert.match(unreadable[0]!.error, /owned by uid 65534, not by this agent/);
    assert.match(unreadable[1]!.error, /ELOOP/);
  });

  test('a write never goes through a link left at the temp name', async () => {
    const { sandboxes, checkpoints } = await fresh();
    const dir = await sandboxes.create('tmp.1');
    const target = join(root.path, `outside-${n}`);
    await writeFile(target, 'precious\n');
    await symlink(target, join(dir, `${CHECKPOINT_FILE}.tmp`));
    await checkpoints.write(checkpointFor('tmp.1'));
    assert.equal(await readFile(target, 'utf8'), 'precious\n');
    assert.deepEqual((await checkpoints.readAll()).checkpoints, [checkpointFor('tmp.1')]);
    assert.equal((await stat(join(dir, CHECKPOINT_FILE))).mode & 0o777, 0o600);
  });

  test('later records go over the file in place; one past a page, or shorter, goes by rename', async () => {
    const { sandboxes, checkpoints } = await fresh();
    const dir = await sandboxes.create('inplace.1');
    const file = join(dir, CHECKPOINT_FILE);
    const cp = checkpointFor('inplace.1');
    await checkpoints.write(cp);
    const made = (await stat(file)).ino;
    const started = { ...cp, handle: { pid: 10, startTime: 5, bootId: 'b' } };
    await checkpoints.write(started);
    assert.equal((await stat(file)).ino, made, 'the same file, written over');
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), started);
    const big = { ...started, ended: { state: 'TASK_FAILED' as const, message: 'x'.repeat(5000) } };
    await checkpoints.write(big);
    assert.notEqual((await stat(file)).ino, made, 'past one page: a new file renamed into place');
    assert.deepEqual((await checkpoints.readAll()).checkpoints, [big]);
    await checkpoints.write(started);
    assert.equal(
      await readFile(file, 'utf8'),
      `${JSON.stringify(started)}\n`,
      'shorter: nothing of the old left',
    );
    assert.deepEqual(await readdir(dir), [CHECKPOINT_FILE]);
  });

  test('an empty checkpoint (the agent died between making it and writing it) is no checkpoint', async () => {
    const { sandboxes, checkpoints } = await fresh();
    const dir = await sandboxes.create('empty.1');
    await writeFile(join(dir, CHECKPOINT_FILE), '', { mode: 0o600 });
    assert.deepEqual(await checkpoints.readAll(), { checkpoints: [], unreadable: [] });
  });

  test('a file in its place the agent did not make alone is replaced, never written into', async () => {
    assert.equal(process.getuid?.(), 0, 'this test needs root to give a file away (CI runs as root)');
    const { sandboxes, checkpoints } = await fresh();
    for (const id of ['linked.2', 'given.2']) {
      await sandboxes.create(id);
      await checkpoints.write(checkpointFor(id));
    }
    // A second name for the agent's file (what a task owning the sandbox could make), and a file
    // given to another user: writing into either would reach what the task controls.
    const other = join(root.path, `second-name-${n}`);
    await link(join(sandboxes.pathOf('linked.2'), CHECKPOINT_FILE), other);
    const before = await readFile(other, 'utf8');
    await chown(join(sandboxes.pathOf('given.2'), CHECKPOINT_FILE), 65534, 65534);
    const next = (id: string) => checkpointFor(id, { handle: { pid: 1, startTime: 1, bootId: 'b' } });
    await checkpoints.write(next('linked.2'));
    await checkpoints.write(next('given.2'));
    assert.equal(await readFile(other, 'utf8'), before, 'the other name still holds the old record');
    const given = await stat(join(sandboxes.pathOf('given.2'), CHECKPOINT_FILE));
    assert.equal(given.uid, 0);
    assert.deepEqual((await checkpoints.readAll()).checkpoints, [next('given.2'), next('linked.2')]);
  });

  test('writes asked for in one turn land together; one that fails fails alone', async () => {
    const { sandboxes, checkpoints } = await fresh();
    for (const id of ['b.1', 'b.2']) await sandboxes.create(id);
    const results = await Promise.allSettled([
      checkpoints.write(checkpointFor('b.1')),
      checkpoints.write(checkpointFor('no-sandbox.1')),
      checkpoints.write(checkpointFor('b.2')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(
      (await checkpoints.readAll()).checkpoints.map((c) => c.taskId),
      ['b.1', 'b.2'],
    );
  });
});
