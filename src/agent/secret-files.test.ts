import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { removeSecretFiles, secretFilePath, secretVolumePaths, writeSecretFiles } from './secret-files.js';
import { tempDir } from './testing/temp-dir.js';

describe('secret files', () => {
  test('relative paths land in the sandbox, absolute ones under .drover-secrets; mode 0400', async () => {
    const dir = await tempDir();
    try {
      const written = await writeSecretFiles(dir.path, {
        'path/to/db/password': 'pw-1',
        '/run/secrets/key': 'k-2',
      });
      assert.deepEqual(written, [
        join(dir.path, 'path/to/db/password'),
        secretFilePath(dir.path, '/run/secrets/key'),
      ]);
      assert.match(secretFilePath(dir.path, '/run/secrets/key'), /\/\.drover-secrets\/[0-9a-f]{16}$/);
      assert.equal(await readFile(written[0]!, 'utf8'), 'pw-1');
      assert.equal(await readFile(written[1]!, 'utf8'), 'k-2');
      for (const f of written) assert.equal((await stat(f)).mode & 0o777, 0o400);
      // A relaunch in the same sandbox replaces them.
      await writeSecretFiles(dir.path, { 'path/to/db/password': 'pw-2' });
      assert.equal(await readFile(written[0]!, 'utf8'), 'pw-2');
      await removeSecretFiles(dir.path, ['path/to/db/password', '/run/secrets/key', 'never/written']);
      for (const f of written) assert.equal(existsSync(f), false);
    } finally {
      await dir.remove();
    }
  });

  test('a link in the sandbox (from a fetched archive) cannot send the file elsewhere', async () => {
    const dir = await tempDir();
    try {
      const sandbox = join(dir.path, 'sandbox');
      const outside = join(dir.path, 'outside');
      await mkdir(sandbox);
      await mkdir(outside);
      await symlink(outside, join(sandbox, 'conf'));
      await assert.rejects(writeSecretFiles(sandbox, { 'conf/pw': 'x' }), /outside the sandbox/);
      await symlink(join(outside, 'target'), join(sandbox, 'pw'));
      // A link in place of the file itself is replaced, never followed.
      await writeSecretFiles(sandbox, { pw: 'x' });
      assert.ok((await lstat(join(sandbox, 'pw'))).isFile());
      assert.equal(existsSync(join(outside, 'target')), false);
      assert.equal(existsSync(join(outside, 'pw')), false);
    } finally {
      await dir.remove();
    }
  });

  test("a spec's secret volumes, not its host volumes", () => {
    const spec = {
      container: {
        type: 'DOCKER' as const,
        volumes: [
          { containerPath: '/data', hostPath: '/srv', mode: 'RW' as const },
          { containerPath: 'pw', secret: 'pw' },
        ],
      },
    };
    assert.deepEqual(secretVolumePaths(spec), ['pw']);
    assert.deepEqual(secretVolumePaths({}), []);
  });
});
