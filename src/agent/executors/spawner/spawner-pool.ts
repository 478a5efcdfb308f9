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
 * and not one per core on a large machine. A burst deeper than GROW_AT spawns per helper (500 job
 * runs due at once) adds helpers up to MAX_HELPERS, kept from then on: a spawn holds its helper
 * until the child has exec'd, mostly waiting for a CPU on a busy machine, so more helpers wait in
 * parallel (500 spawns: 1.9-4.1 s through two, 1.3-2.0 s through four at load 16-23). A launch of
 * 100 tasks (the memory bench) stays within two.
 */
const HELPERS = Math.min(2, availableParallelism());
const MAX_HELPERS = HELPERS * 2;
const GROW_AT = 64;

let shared: SpawnerPool | undefined;

/** This process's helpers (started at their first turn); `logger` is the first caller's. */
export function sharedHelpers(logger?: Logger): TaskSpawner {
  shared ??= new SpawnerPool(
    Array.from({ length: HELPERS }, () => new HelperSpawner(logger)),
    { grow: () => new HelperSpawner(logger), max: MAX_HELPERS, growAt: GROW_AT },
  );
  return shared;
}

export interface PoolGrowth {
  /** Makes one more member. */
  grow: () => TaskSpawner;
  /** Members at most. */
  max: number;
  /** Spawns in flight per member at which one more is made. */
  growAt: number;
}

export class SpawnerPool implements TaskSpawner {
  private next = 0;
  private inFlight = 0;
  private readonly members: TaskSpawner[];
  readonly placesInCgroup: boolean;

  constructor(
    members: readonly TaskSpawner[],
    private readonly growth?: PoolGrowth,
  ) {
    if (members.length === 0) throw new Error('a spawner pool needs at least one spawner');
    this.members = [...members];
    this.placesInCgroup = members.every((m) => m.placesInCgroup);
  }

  get size(): number {
    return this.members.length;
  }

  spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    const member = this.grown() ?? this.member();
    this.inFlight++;
    const spawned = member.spawn(req);
    const settle = () => {
      this.inFlight--;
    };
    spawned.then(settle, settle);
    return spawned;
  }

  /** A new member when the burst is deep enough: it takes this spawn, being the idle one. */
  private grown(): TaskSpawner | undefined {
    const g = this.growth;
    if (!g || this.members.length >= g.max || this.inFlight < g.growAt * this.members.length)
      return undefined;
    const added = g.grow();
    // A pool that places children in their cgroup must keep doing so (the executor asked once).
    if (added.placesInCgroup !== this.placesInCgroup) return undefined;
    this.members.push(added);
    return added;
  }

  private member(): TaskSpawner {
    const member = this.members[this.next % this.members.length]!;
    this.next = (this.next + 1) % this.members.length;
    return member;
  }
}
