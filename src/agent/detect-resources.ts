/**
 * What this machine offers when `--resources` does not say: every CPU, the memory less what the
 * OS and the agent need, the free disk under the work dir, and Mesos' default port range. Flags
 * override each field on its own.
 */
import { statfsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import type { Resources } from '../domain/agent.js';

/** Mesos' default (`ports:[31000-32000]`), which Marathon users' port expectations come from. */
export const DEFAULT_PORTS: Array<[number, number]> = [[31000, 32000]];

export function detectResources(workDir: string, over: Partial<Resources> = {}): Resources {
  const memMb = Math.floor(totalmem() / 1024 / 1024);
  // Mesos keeps back 1 GiB or half of memory, whichever is smaller, for the OS and itself.
  const reserved = Math.min(1024, Math.floor(memMb / 2));
  return {
    cpus: over.cpus ?? availableParallelism(),
    mem: over.mem ?? memMb - reserved,
    disk: over.disk ?? freeDiskMb(workDir),
    ports: over.ports ?? DEFAULT_PORTS,
  };
}

function freeDiskMb(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Math.floor((s.bavail * s.bsize) / 1024 / 1024);
  } catch {
    return 0;
  }
}
