/** Spawns task processes from this very process (see task-spawner.ts for when that is costly). */
import { answerGate, startChild } from './start-child.js';
import type { SpawnedProcess, TaskSpawner } from './task-spawner.js';

export const directSpawner: TaskSpawner = {
  // The agent itself must not sit in a task's group, even for a fork: its children are gated.
  placesInCgroup: false,
  async spawn(req): Promise<SpawnedProcess> {
    const { child, startTime, exit } = await startChild(req);
    return {
      pid: child.pid!,
      startTime,
      exit,
      gate: (open) => answerGate(child, open),
      release: () => child.unref(),
    };
  },
};
