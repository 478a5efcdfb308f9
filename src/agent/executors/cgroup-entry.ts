/**
 * How a task enters its cgroup before it runs anything (process-executor.ts): either the spawner
 * forks it from inside the group and its CPU limits follow right after its birth, or it is spawned
 * behind a gate shell that the agent moves into the group before letting it exec the command.
 */
import type { TaskCgroup } from './cgroups/task-cgroups.js';
import type { TaskExit } from './executor.js';
import type { SpawnedProcess } from './spawner/task-spawner.js';

/**
 * The command behind a gate: a shell that reads one line from its stdin and execs the command only
 * if it is `go` (the agent has put it in its cgroup); on anything else, end of input included (the
 * agent died or failed to place it), it exits 125 without running anything.
 */
const GATE_SCRIPT = 'IFS= read -r go && [ "$go" = go ] || exit 125; exec "$@" </dev/null';

export function gated([file, args]: [string, string[]], shell: string): [string, string[]] {
  return [shell, ['-c', GATE_SCRIPT, 'drover-cgroup-gate', file, ...args]];
}

/** Puts the gate shell in the task's group, then lets it exec the command. */
export async function openGate(
  child: SpawnedProcess,
  cgroup: TaskCgroup,
  exit: Promise<TaskExit>,
): Promise<void> {
  try {
    await cgroup.join(child.pid);
  } catch (e) {
    child.gate(false);
    await exit;
    throw new Error(`cannot put the task in its cgroup: ${(e as Error).message}`);
  }
  child.gate(true);
}

/**
 * A task born in its group (no gate) runs from its exec on; its CPU limits follow right after,
 * so it ran at the default weight for that moment only. Failing that, it is stopped.
 */
export async function limitCpuOf(cgroup: TaskCgroup, exit: Promise<TaskExit>): Promise<void> {
  try {
    cgroup.limitCpu();
  } catch (e) {
    await cgroup.killAll();
    await exit;
    throw new Error(`cannot set the task's CPU limits: ${(e as Error).message}`);
  }
}
