/**
 * What each connected (and reconciled, agent-hub.ts) agent offers and already holds, for placing run attempts. Apps and jobs
 * count against the same capacity: every non-terminal task in the master's state holds resources.
 * Nothing here walks the cluster's tasks: an agent's usage is kept by the task index as tasks come
 * and go (tasks/agent-usage.ts), and constraints read only the tasks of the apps being placed.
 */
import { isTerminal } from '../../domain/task.js';
import type { AgentCapacity, PlacedTask } from '../../scheduler/placement-types.js';
import type { MasterContext } from '../context.js';

export function agentCapacities(ctx: MasterContext): AgentCapacity[] {
  const usage = ctx.state.tasks.usage;
  const capacities: AgentCapacity[] = [];
  for (const a of ctx.state.agents.values()) {
    if (!ctx.hub.acceptsLaunches(a.id)) continue;
    const u = usage.of(a.id);
    capacities.push({
      id: a.id,
      hostname: a.hostname,
      attributes: a.attributes,
      capabilities: a.capabilities,
      resources: a.resources,
      used: { cpus: u.cpusMilli / 1000, mem: u.memMilli / 1000, disk: u.diskMilli / 1000 },
      // A live view of the agent's ports; placement reads it within this synchronous call.
      usedPorts: u.ports,
      acceptsTasks: a.draining !== true,
    });
  }
  return capacities;
}

/** The live tasks of the apps named (placement's constraints count only an app's own tasks). */
export function placedTasks(ctx: MasterContext, appIds: Iterable<string>): PlacedTask[] {
  const placed: PlacedTask[] = [];
  for (const appId of new Set(appIds)) {
    for (const t of ctx.state.tasks.ofApp(appId)) {
      if (!isTerminal(t.state)) placed.push({ appId, agentId: t.agentId });
    }
  }
  return placed;
}
