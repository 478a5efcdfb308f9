/**
 * Several spawners taken in turn. A spawn holds its spawner until the child has exec'd, and on a
 * busy machine that wait is mostly the child waiting for a CPU, not work: 500 spawns through one
 * helper took 5.0-10.5 s at load 16-23 on 2 cores, through two 1.9-4.1 s, through four 1.3-2.0 s
 * (BENCHMARKS.md, job firing, fourth round). A helper starts only when its first turn comes.
 */
import { availableParallelism } from 'node:os';
import type { Logger } from '../../../platform/logger.js';
import { HelperSpawner } from './helper-spawner.js';
import type { SpawnedProcess, SpawnRequest, TaskSpawner } from './task-spawner.js';

/**
 * Helpers per process: two where there are two cores. Each is a Node process of 43-60 MB, so
 * they are shared by every process executor of this process (`drover up` runs several agents)
 * and not one per core on a large machine.
 */
const HELPERS = Math.min(2, availableParallelism());

let shared: SpawnerPool | undefined;

/** This process's helpers (started at their first turn); `logger` is the first caller's. */
export function sharedHelpers(logger?: Logger): TaskSpawner {
  shared ??= new SpawnerPool(Array.from({ length: HELPERS }, () => new HelperSpawner(logger)));
  return shared;
}

export class SpawnerPool implements TaskSpawner {
  private next = 0;
  readonly placesInCgroup: boolean;

  constructor(private readonly members: readonly TaskSpawner[]) {
    if (members.length === 0) throw new Error('a spawner pool needs at least one spawner');
    this.placesInCgroup = members.every((m) => m.placesInCgroup);
  }

  spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    const member = this.members[this.next]!;
    this.next = (this.next + 1) % this.members.length;
    return member.spawn(req);
  }
}
