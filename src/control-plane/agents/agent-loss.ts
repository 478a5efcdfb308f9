/**
 * Agent loss (Marathon's unreachable strategy). An agent whose link is down and that has sent no
 * heartbeat for `agentTimeoutMs` is lost. A link that is up is trusted: network links prove
 * themselves with pings (ws-master-link.ts closes one that stops answering, which the composition
 * root sets well within the timeout), and an in-process agent of `drover up` is never cut off,
 * however long the event loop stalls.
 *
 *
 *   app task ──lost──► TASK_UNREACHABLE ──inactiveAfterSeconds──► replaced (a kill is recorded, so
 *     it no longer counts and the reconciler launches elsewhere; the agent gets the kill if it
 *     returns) ──expungeAfterSeconds──► forgotten (a returning agent's copy is then unknown and
 *     killed at registration)
 *   app with unreachableStrategy "disabled", or a task already being killed ──lost──► forgotten now
 *   job run task ──lost──► TASK_LOST: the attempt failed, retried per the job's policy
 *
 * An agent that re-registers in time gets its tasks back (agent-registration.ts). A new leader
 * counts from when it took over, plus a grace for agents to find it, not from heartbeats the old
 * leader saw: agents cannot heartbeat to a master they have not found yet. Once an agent has
 * registered with this leader, the plain timeout applies again.
 */
import type { TaskRecord } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import type { MasterContext } from '../context.js';
import { announce, forgetTask } from '../tasks/task-lifecycle.js';

export const DEFAULT_AGENT_TIMEOUT_MS = 10_000;

/**
 * After a failover, agents must notice the old leader is gone, back off, and find this one: up to
 * 8 s in the HA tests on an idle machine, longer on a loaded one. Counting one as lost too early
 * is costly: its job runs are retried while they may have run (a job would run twice), its app
 * tasks replaced while they serve. Mesos waits 10 minutes; a minute is the floor here. Agents
 * that did find this leader are back on the plain timeout, so this only delays the replacement
 * of an agent that died during the failover itself.
 */
export function defaultReregistrationGraceMs(agentTimeoutMs: number): number {
  return Math.max(2 * agentTimeoutMs, 60_000);
}

/** Marks the tasks of newly lost agents and moves unreachable tasks along their app's strategy. */
export async function watchAgents(ctx: MasterContext, leadingSince: number): Promise<void> {
  const { state, deps } = ctx;
  const now = deps.clock.now();
  const timeout = deps.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  const grace = deps.reregistrationGraceMs ?? defaultReregistrationGraceMs(timeout);
  for (const agent of state.agents.values()) {
    // An agent this leader has heard from is held to the timeout; one it has not (known from the
    // store only) gets the grace, counted from when this leader took over.
    const heardThisTerm = agent.lastHeartbeatAt >= leadingSince;
    if (now < (heardThisTerm ? agent.lastHeartbeatAt + timeout : leadingSince + grace)) continue;
    if (ctx.hub.isConnected(agent.id)) continue;
    const reachable = state
      .tasksOn(agent.id)
      .filter((t) => !isTerminal(t.state) && t.unreachableSince === undefined);
    if (reachable.length === 0) continue;
    deps.logger.warn(
      {
        agentId: agent.id,
        hostname: agent.hostname,
        silentMs: now - agent.lastHeartbeatAt,
        tasks: reachable.length,
      },
      'agent lost: link down and no heartbeat within the agent timeout',
    );
    const why = `agent ${agent.hostname} lost: no heartbeat for ${Math.round(timeout / 1000)} s`;
    for (const t of reachable) await loseTask(ctx, t, now, why);
  }
  for (const t of [...state.tasks.values()]) {
    if (t.unreachableSince !== undefined && !isTerminal(t.state)) await ageUnreachable(ctx, t, now);
  }
}

async function loseTask(ctx: MasterContext, task: TaskRecord, now: number, why: string): Promise<void> {
  const app = ctx.state.apps.get(task.appId);
  const strategy = app?.unreachableStrategy;
  if (
    task.jobRun !== undefined ||
    strategy === undefined ||
    strategy === 'disabled' ||
    task.killRequestedAt
  ) {
    await forgetTask(ctx, task, 'TASK_LOST', why, false);
    return;
  }
  const next: TaskRecord = { ...task, state: 'TASK_UNREACHABLE', unreachableSince: now, updatedAt: now };
  await ctx.deps.store.putTask(next);
  ctx.state.tasks.set(next.id, next);
  announce(ctx, next, why);
  // Replacement may be due at once (inactiveAfterSeconds 0).
  await ageUnreachable(ctx, next, now);
}

async function ageUnreachable(ctx: MasterContext, task: TaskRecord, now: number): Promise<void> {
  const app = ctx.state.apps.get(task.appId);
  const strategy = app?.unreachableStrategy;
  const since = task.unreachableSince ?? now;
  if (
    strategy === undefined ||
    strategy === 'disabled' ||
    now - since >= strategy.expungeAfterSeconds * 1000
  ) {
    await forgetTask(
      ctx,
      task,
      'TASK_GONE',
      'expunged: unreachable for longer than expungeAfterSeconds',
      false,
    );
    return;
  }
  if (task.killRequestedAt === undefined && now - since >= strategy.inactiveAfterSeconds * 1000) {
    // Recorded as a kill: it stops counting, so a replacement launches; the agent gets the kill
    // if it ever comes back before the expunge.
    const next: TaskRecord = { ...task, killRequestedAt: now, updatedAt: now };
    await ctx.deps.store.putTask(next);
    ctx.state.tasks.set(next.id, next);
    ctx.deps.logger.info(
      { taskId: task.id, appId: task.appId, agentId: task.agentId },
      'unreachable task inactive: launching a replacement',
    );
    ctx.trigger();
  }
}
