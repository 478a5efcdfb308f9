import assert from 'node:assert/strict';
import { stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isSafeTaskId, Sandboxes } from './sandbox.js';
import { tempDir } from './testing/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
before(async () => {
  dir = await tempDir();
});
after(() => dir.remove());

describe('sandboxes', () => {
  test('one directory per task under <workDir>/sandboxes, created idempotently', async () => {
    const sandboxes = new Sandboxes(dir.path);
    const path = await sandboxes.create('web.0b9a');
    assert.equal(path, join(dir.path, 'sandboxes', 'web.0b9a'));
    assert.ok((await stat(path)).isDirectory());
    assert.equal(await sandboxes.create('web.0b9a'), path);
    assert.deepEqual(sandboxes.logsOf('web.0b9a'), {
      stdout: join(path, 'stdout'),
      stderr: join(path, 'stderr'),
    });
  });

  test('task ids that could escape the sandbox root are rejected', async () => {
    for (const id of ['..', '.', '../x', 'a/b', '', 'a\0b', '/etc'])
      assert.equal(isSafeTaskId(id), false, id);
    assert.equal(isSafeTaskId('group_web.6f1c0b8e-1c2d-4e5f-9a0b-1c2d3e4f5a6b'), true);
    const sandboxes = new Sandboxes(dir.path);
    await assert.rejects(sandboxes.create('../escape'), /Invalid task id/);
    await assert.rejects(sandboxes.readLog('../../etc/passwd', 'stdout'), /Invalid task id/);
  });

  test('readLog tails a stream and explains a missing one', async () => {
    const sandboxes = new Sandboxes(dir.path);
    await sandboxes.create('logs.1');
    await writeFile(sandboxes.logsOf('logs.1').stdout, 'one\ntwo\nthree\n');
    assert.equal(await sandboxes.readLog('logs.1', 'stdout', 2), 'two\nthree\n');
    assert.equal(await sandboxes.readLog('logs.1', 'stdout'), 'one\ntwo\nthree\n');
    await assert.rejects(sandboxes.readLog('logs.1', 'stderr'), /No stderr log for task logs\.1/);
    await assert.rejects(sandboxes.readLog('logs.1', 'stdin' as 'stdout'), /Unknown log stream/);
  });

  test('readLog does not follow a link a task left in place of its log', async () => {
    const sandboxes = new Sandboxes(join(dir.path, 'linked'));
    const box = await sandboxes.create('link.1');
    await writeFile(join(dir.path, 'secret'), 'not for the log API\n');
    await symlink(join(dir.path, 'secret'), join(box, 'stdout'));
    await assert.rejects(sandboxes.readLog('link.1', 'stdout'), /ELOOP/);
  });
});
