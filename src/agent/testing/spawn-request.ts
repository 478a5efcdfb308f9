/** A spawn request for `sh -c <command>` in `dir`, its logs beside it (spawner tests). */
import { join } from 'node:path';
import type { SpawnRequest } from '../executors/spawner/task-spawner.js';

export function shellSpawnRequest(
  dir: string,
  command: string,
  extra: Partial<SpawnRequest> = {},
): SpawnRequest {
  return {
    file: '/bin/sh',
    args: ['-c', command],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdout: join(dir, 'stdout'),
    stderr: join(dir, 'stderr'),
    gated: false,
    ...extra,
  };
}
