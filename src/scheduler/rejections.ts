/**
 * Why a request could not be placed: every agent with every reason it failed, in agent input order.
 * Computed only for requests that found no agent, from the same predicates placement uses, so an
 * unplaced request always has at least one reason per agent.
 */
import type { AgentPool, Demand } from './agent-pool.js';
import type { ConstraintCheck } from './constraints.js';
import type { AgentRejection } from './placement-types.js';

export function rejectionsFor(
  pool: AgentPool,
  demand: Demand,
  checks: readonly ConstraintCheck[],
): AgentRejection[] {
  return pool.agents.map((agent, a) => {
    const reasons = pool.shortfalls(a, demand);
    for (const check of checks) if (!check.ok(a)) reasons.push(check.reason);
    return { agentId: agent.id, hostname: agent.hostname, reasons };
  });
}

/**
 * Rejections of requests that failed, by request shape. Within one call an agent only loses
 * capacity, and an app's constraint state only changes when the app gains a task, so a request
 * shaped like one that failed fails again (for the same reasons) until its app gains a task.
 * This keeps a long queue of identical waiting tasks from rescanning every agent for each of them.
 */
export class FailureMemo {
  private readonly byApp = new Map<string, { taskCount: number; byShape: Map<string, AgentRejection[]> }>();

  get(appId: string, taskCount: number, shape: () => string): AgentRejection[] | undefined {
    const entry = this.byApp.get(appId);
    if (!entry || entry.taskCount !== taskCount) return undefined;
    return entry.byShape.get(shape());
  }

  remember(appId: string, taskCount: number, shape: string, rejections: AgentRejection[]): void {
    let entry = this.byApp.get(appId);
    if (!entry || entry.taskCount !== taskCount) {
      entry = { taskCount, byShape: new Map() };
      this.byApp.set(appId, entry);
    }
    entry.byShape.set(shape, rejections);
  }
}
