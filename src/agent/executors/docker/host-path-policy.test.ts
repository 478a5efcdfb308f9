import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkHostPath } from './host-path-policy.js';

const root = mkdtempSync(join(tmpdir(), 'drover-hostpath-'));
after(() => rmSync(root, { recursive: true, force: true }));
const sandbox = join(root, 'sandbox');
const shared = join(root, 'shared');
mkdirSync(sandbox);
mkdirSync(shared);
const policy = { sandbox, allowedHostPaths: [] as string[], allowPrivileged: false };

test('by default only the sandbox and what is under it may be mounted', () => {
  checkHostPath(sandbox, policy);
  checkHostPath(join(sandbox, 'data'), policy);
  for (const p of ['/etc', '/root', shared, `${sandbox}-other`]) {
    assert.throws(() => checkHostPath(p, policy), /outside the task's sandbox/, p);
  }
});

test('--allowed-host-paths widens it', () => {
  const wide = { ...policy, allowedHostPaths: [shared] };
  checkHostPath(join(shared, 'x'), wide);
  assert.throws(() => checkHostPath('/etc', wide), /allowed-host-paths/);
});

test('the Docker socket, or a directory holding it, is refused even when allowed', () => {
  const wide = { ...policy, allowedHostPaths: ['/'] };
  for (const p of ['/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run', '/var', '/']) {
    assert.throws(() => checkHostPath(p, wide), /Docker socket/, p);
  }
  // A symlink inside the sandbox does not launder it.
  const link = join(sandbox, 'sock');
  symlinkSync('/var/run/docker.sock', link);
  assert.throws(() => checkHostPath(link, policy), /Docker socket/);
});

test('an agent started with --allow-privileged mounts anything', () => {
  const priv = { ...policy, allowPrivileged: true };
  checkHostPath('/', priv);
  checkHostPath('/var/run/docker.sock', priv);
});
