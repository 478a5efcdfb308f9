/**
 * Agent maintenance: draining an agent stops new placements on it (placement sees
 * `acceptsTasks: false`) and moves the tasks it runs: the reconcile pass marks them `mustMove`,
 * and the planner replaces them elsewhere as it replaces outdated tasks, within each app's upgrade
 * strategy. The flag is stored with the agent, so it survives a master failover and the agent's
 * reconnects; undraining clears it.
 */
import type { AgentInfo } from '../../domain/agent.js';
import { DroverError } from '../../domain/errors.js';
import type { MasterContext } from '../context.js';

export async function setDraining(
  ctx: MasterContext,
  agentId: string,
  draining: boolean,
): Promise<AgentInfo> {
  const agent = ctx.state.agents.get(agentId);
  if (!agent) throw new DroverError('NOT_FOUND', `Agent '${agentId}' does not exist`);
  if ((agent.draining === true) === draining) return agent;
  const { draining: _was, ...rest } = agent;
  const next: AgentInfo = draining ? { ...rest, draining: true } : rest;
  await ctx.deps.store.putAgent(next);
  ctx.state.agents.set(agentId, next);
  // Its tasks must move (or may stay): their apps' plans change (tasks/reconcile-scope.ts).
  for (const t of ctx.state.tasksOn(agentId)) ctx.state.appChanges.touch(t.appId);
  ctx.deps.logger.info(
    { agentId, hostname: agent.hostname },
    draining ? 'agent draining' : 'agent undrained',
  );
  ctx.trigger();
  return next;
}
