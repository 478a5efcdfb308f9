/**
 * Starting and stopping tasks, for apps (reconcile-pass.ts) and job runs (jobs/launch-runs.ts)
 * alike. Placement runs over one cluster capacity (apps and jobs hold the same resources); a task
 * is stored as TASK_STAGING before its launch is sent, and a kill is stored before it is sent, so
 * the store always knows every task an agent may be running.
 */
import type { AgentInfo } from '../../domain/agent.js';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { TaskRecord } from '../../domain/task.js';
import { placeTasks } from '../../scheduler/placement.js';
import type { Placement, PlacementRequest, Unplaced } from '../../scheduler/placement-types.js';
import { agentCapacities, placedTasks } from '../agents/cluster-capacity.js';
import type { MasterContext } from '../context.js';

/** One placed task: its record (TASK_STAGING) and what its agent is told to run. */
export interface Launch {
  task: TaskRecord;
  spec: TaskSpec;
}

export interface LaunchSteps<L extends Launch> {
  /** The launch for one placement, with whatever the caller stores beside the task. */
  launchOf(placement: Placement, agent: AgentInfo): L;
  /** Stores the launches' tasks (and the rest, in one transaction), then puts them in memory. */
  store(launches: L[]): Promise<void>;
}

/** Places the requests, stores what was placed, then sends the launches. Returns what did not fit. */
export async function placeAndLaunch<L extends Launch>(
  ctx: MasterContext,
  requests: PlacementRequest[],
  steps: LaunchSteps<L>,
): Promise<Unplaced[]> {
  if (requests.length === 0) return [];
  const result = placeTasks({
    agents: agentCapacities(ctx),
    placed: placedTasks(
      ctx,
      requests.map((r) => r.appId),
    ),
    requests,
    random: () => ctx.deps.random.next(),
  });
  const launches = result.placements.map((p) => steps.launchOf(p, ctx.state.agents.get(p.agentId)!));
  if (launches.length > 0) {
    await steps.store(launches);
    for (const l of launches) ctx.hub.send(l.task.agentId, { type: 'launch', task: l.spec });
    // One line per pass that launched: when the master placed (bench/protocol-placement reads it).
    ctx.deps.logger.info({ launched: launches.length, unplaced: result.unplaced.length }, 'tasks launched');
  }
  return result.unplaced;
}

/** How long the agent gives the task: `drain` (TASK_KILLING, still serving) only for app tasks. */
export interface KillTiming {
  grace: number;
  drain?: number;
}

/** Marks a task as being killed (persisted first) and tells its agent. */
export async function requestKill(
  ctx: MasterContext,
  task: TaskRecord,
  now: number,
  timing: KillTiming,
): Promise<void> {
  const next: TaskRecord = { ...task, killRequestedAt: now, state: 'TASK_KILLING', updatedAt: now };
  await ctx.deps.store.putTask(next);
  ctx.state.tasks.set(next.id, next);
  // Every router drops the task before its agent hears of the kill: the routers that acknowledge
  // tables are waited for (boundedly); the serial queue is not held meanwhile.
  const version = ctx.routes.refresh();
  const send = () =>
    ctx.hub.send(task.agentId, {
      type: 'kill',
      taskId: task.id,
      gracePeriodMs: timing.grace,
      ...(timing.drain !== undefined ? { drainMs: timing.drain } : {}),
    });
  const routed = ctx.routes.afterApplied(version);
  if (routed) void routed.then(send);
  else send();
}
