/**
 * What each connected (and reconciled, agent-hub.ts) agent offers and already holds, for placing run attempts. Apps and jobs
 * count against the same capacity: every non-terminal task in the master's state holds resources.
 */
import { isTerminal } from '../../domain/task.js';
import type { AgentCapacity, PlacedTask } from '../../scheduler/placement-types.js';
import type { MasterContext } from '../context.js';

export function agentCapacities(ctx: MasterContext): AgentCapacity[] {
  const used = new Map<string, { cpus: number; mem: number; disk: number; ports: number[] }>();
  for (const t of ctx.state.tasks.values()) {
    if (isTerminal(t.state)) continue;
    const u = used.get(t.agentId) ?? { cpus: 0, mem: 0, disk: 0, ports: [] };
    u.cpus += t.resources.cpus;
    u.mem += t.resources.mem;
    u.disk += t.resources.disk;
    u.ports.push(...t.ports);
    used.set(t.agentId, u);
  }
  return [...ctx.state.agents.values()]
    .filter((a) => ctx.hub.acceptsLaunches(a.id))
    .map((a) => {
      const u = used.get(a.id) ?? { cpus: 0, mem: 0, disk: 0, ports: [] };
      return {
        id: a.id,
        hostname: a.hostname,
        attributes: a.attributes,
        capabilities: a.capabilities,
        resources: a.resources,
        used: { cpus: u.cpus, mem: u.mem, disk: u.disk },
        usedPorts: u.ports,
        acceptsTasks: a.draining !== true,
      };
    });
}

export function placedTasks(ctx: MasterContext): PlacedTask[] {
  return [...ctx.state.tasks.values()]
    .filter((t) => !isTerminal(t.state))
    .map((t) => ({ appId: t.appId, agentId: t.agentId }));
}
