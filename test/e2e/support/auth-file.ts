/**
 * An `--auth-file` for e2e tests, its hashes made by `drover hash-password` as an operator would:
 * users with a plain password and tokens with a plain secret in, the file's path out.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { droverArgv, repoRoot } from './drover-bin.js';

interface Entry {
  name: string;
  role: 'admin' | 'deployer' | 'viewer';
  logs?: boolean;
}

function hashSecret(secret: string, token: boolean): string {
  const r = spawnSync(process.execPath, droverArgv(['hash-password', ...(token ? ['--token'] : [])]), {
    cwd: repoRoot,
    input: secret,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

export function writeAuthFile(
  dir: string,
  users: Array<Entry & { password: string }>,
  tokens: Array<Entry & { token: string }> = [],
): string {
  const file = join(dir, 'auth.json');
  writeFileSync(
    file,
    JSON.stringify({
      users: users.map(({ password, ...u }) => ({ ...u, password: hashSecret(password, false) })),
      tokens: tokens.map(({ token, ...t }) => ({ ...t, hash: hashSecret(token, true) })),
    }),
  );
  return file;
}
