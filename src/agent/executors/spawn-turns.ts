/**
 * One task spawn per event-loop turn. A spawn blocks the agent's loop for as long as fork() takes,
 * which grows with the agent's memory (2-10 ms idle, 20-110 ms on a loaded machine). A burst of
 * launches (1,000 jobs due in the same second: 500 per agent) finished their file work together and
 * spawned back to back inside one loop turn, so no timer ran for seconds: the agent sent no
 * heartbeat and the master declared it lost (TASK_LOST, "no heartbeat for 10 s", BENCHMARKS.md
 * jobs firing). Taking turns lets heartbeats, acks and status updates go out between spawns; it
 * costs one setImmediate per launch.
 */
let last: Promise<void> = Promise.resolve();

/** Resolves when this caller may spawn: after every earlier caller's turn, in a later loop turn. */
export function spawnTurn(): Promise<void> {
  const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = turn;
  return turn;
}
