/**
 * Real cgroups for a test suite (root, as in CI): Drover's directories under a root of the suite's
 * own (`<prefix>-<pid>`), removed at the end. Without usable cgroups the suite fails, never skips.
 */
import { rmdir } from 'node:fs/promises';
import { type CgroupHost, detectCgroups } from '../executors/cgroups/cgroup-host.js';

export async function testCgroupHost(rootName: string): Promise<CgroupHost> {
  const found = await detectCgroups({ rootName });
  if ('unavailable' in found) throw new Error(`cgroups are needed for this suite: ${found.unavailable}`);
  return found.host;
}

/** Removes the suite's root directories (empty by then: every task group went with its task). */
export async function removeTestCgroupHost(host: CgroupHost | undefined): Promise<void> {
  if (!host) return;
  const dirs = host.version === 2 ? [host.dir] : [host.memory, host.cpu];
  for (const d of dirs) if (d) await rmdir(d).catch(() => undefined);
}
