/**
 * An agent (re)registers: keep its id if we know it, then reconcile what it runs with what we
 * stored. Known tasks are adopted; tasks we do not know are killed (nothing runs that the store
 * does not know); stored tasks the agent no longer has are gone, and get replaced.
 *
 * A task reported in a terminal state ended while the agent could not tell us; its status update
 * is still unacknowledged and follows the registration, so the task is left to that update: its
 * real end (a job run's exit code, a failure for the backoff) is never overwritten by TASK_GONE.
 * Tasks found unreachable while the agent was lost (agent-loss.ts) come back, unless they were
 * replaced meanwhile: those get their kill now.
 */
import type { AgentInfo } from '../../domain/agent.js';
import type { AgentToMaster } from '../../domain/agent-protocol.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import type { MasterContext } from '../context.js';
import { announce, forgetTask } from '../tasks/task-lifecycle.js';
import { agentSecretMatches, hashAgentSecret, mintAgentSecret } from './agent-credential.js';
import { identityConflict } from './agent-identity.js';

type RegisterMsg = Extract<AgentToMaster, { type: 'register' }>;

/**
 * Records the agent (keeping a known id) and returns the id to confirm, with a new credential when
 * it has none yet; or refuses it unrecorded. A claimed id whose credential is stored must come with
 * that credential (agent-credential.ts), unless the link is in-process (`trusted`).
 */
export async function admitAgent(
  ctx: MasterContext,
  msg: RegisterMsg,
  trusted = false,
): Promise<{ agentId: string; agentSecret?: string } | { refused: string }> {
  const { state, deps } = ctx;
  const now = deps.clock.now();
  const known = msg.agentId !== undefined ? state.agents.get(msg.agentId) : undefined;
  const storedHash = msg.agentId !== undefined ? await deps.store.getAgentCredential(msg.agentId) : undefined;
  const conflict =
    identityConflict(msg, known) ??
    (storedHash !== undefined && !trusted && !agentSecretMatches(msg.agentSecret, storedHash)
      ? `agent id ${msg.agentId} is registered, and this registration does not carry its credential ` +
        '(an agent keeps it in agent-secret in its work dir; wipe the work dir to join as a new agent)'
      : undefined);
  if (conflict !== undefined) {
    deps.logger.warn({ claimed: msg.agentId, hostname: msg.hostname, address: msg.address }, conflict);
    return { refused: conflict };
  }
  const agentId = known?.id ?? msg.agentId ?? deps.ids.uuid();
  // A first registration, an agent from before credentials existed, or an in-process agent that
  // lost its file: issue one. A proven agent keeps the one it has.
  const proven = storedHash !== undefined && agentSecretMatches(msg.agentSecret, storedHash);
  const agentSecret = proven ? undefined : mintAgentSecret();
  if (agentSecret !== undefined) await deps.store.putAgentCredential(agentId, hashAgentSecret(agentSecret));
  const agent: AgentInfo = {
    id: agentId,
    hostname: msg.hostname,
    address: msg.address,
    resources: msg.resources,
    attributes: msg.attributes,
    capabilities: msg.capabilities,
    registeredAt: known?.registeredAt ?? now,
    lastHeartbeatAt: now,
    connected: true,
    ...(known?.draining ? { draining: true } : {}),
  };
  await deps.store.putAgent(agent);
  state.agents.set(agentId, agent);
  return agentSecret !== undefined ? { agentId, agentSecret } : { agentId };
}

/** After `registered` went out: adopt, kill or forget tasks by comparing reports with the store. */
export async function reconcileAgentTasks(
  ctx: MasterContext,
  agentId: string,
  msg: RegisterMsg,
): Promise<void> {
  const { state, deps } = ctx;
  const now = deps.clock.now();
  const reported = new Map(msg.runningTasks.map((t) => [t.taskId, t]));
  for (const t of msg.runningTasks) {
    const stored = state.tasks.get(t.taskId);
    if (isTerminal(t.state)) continue;
    if (!stored || stored.agentId !== agentId) {
      deps.logger.warn(
        { agentId, taskId: t.taskId },
        'agent runs a task the master does not know: killing it',
      );
      ctx.hub.send(agentId, { type: 'kill', taskId: t.taskId, gracePeriodMs: 0 });
    }
  }
  for (const stored of state.tasksOn(agentId)) {
    const r = reported.get(stored.id);
    if (r && isTerminal(r.state)) continue;
    if (r && stored.unreachableSince !== undefined) {
      await reachAgain(ctx, stored, r.state, now);
      continue;
    }
    if (r) {
      if (stored.state !== r.state) {
        const adopted = { ...stored, state: r.state, updatedAt: now };
        await deps.store.putTask(adopted);
        state.tasks.set(adopted.id, adopted);
      }
      // A kill the agent never acted on (it was down) is sent again.
      if (stored.killRequestedAt !== undefined) {
        ctx.hub.send(agentId, { type: 'kill', taskId: stored.id, gracePeriodMs: 0 });
      }
    } else {
      await forgetTask(ctx, stored, 'TASK_GONE', 'agent re-registered without this task', false);
    }
  }
  ctx.trigger();
}

/** An unreachable task whose agent returned: running again, or killed when it was replaced. */
async function reachAgain(
  ctx: MasterContext,
  stored: TaskRecord,
  reported: TaskState,
  now: number,
): Promise<void> {
  const replaced = stored.killRequestedAt !== undefined;
  const { unreachableSince: _since, ...rest } = stored;
  const next: TaskRecord = { ...rest, state: replaced ? 'TASK_KILLING' : reported, updatedAt: now };
  await ctx.deps.store.putTask(next);
  ctx.state.tasks.set(next.id, next);
  announce(ctx, next, replaced ? 'agent returned: killing the replaced copy' : 'agent returned');
  if (replaced) ctx.hub.send(stored.agentId, { type: 'kill', taskId: stored.id, gracePeriodMs: 0 });
}
