/**
 * What the live (non-terminal) tasks on each agent hold: cpus, mem and disk in integer
 * milli-units (scheduler/resources.ts: sums never drift, however many tasks come and go) and the
 * host ports in use (counted, as two tasks may name one port). Kept up to date by TaskIndex on
 * every set and delete, so a placement reads an agent's usage without walking the cluster's tasks:
 * with 100,000 tasks that walk ran in every pass (agents/cluster-capacity.ts, BENCHMARKS.md).
 */
import { isTerminal, type TaskRecord } from '../../domain/task.js';
import { demandMilli } from '../../scheduler/resources.js';

export interface AgentUsageTotals {
  /** Milli-units, each task's demand rounded up as placement rounds it. */
  readonly cpusMilli: number;
  readonly memMilli: number;
  readonly diskMilli: number;
  /** Host ports in use on the agent (each once), a live view: read it before the next change. */
  readonly ports: Iterable<number>;
  /** Live tasks counted. */
  readonly tasks: number;
}

class Totals implements AgentUsageTotals {
  cpusMilli = 0;
  memMilli = 0;
  diskMilli = 0;
  tasks = 0;
  readonly portCounts = new Map<number, number>();
  readonly ports: Iterable<number> = { [Symbol.iterator]: () => this.portCounts.keys() };
}

const NONE: AgentUsageTotals = { cpusMilli: 0, memMilli: 0, diskMilli: 0, ports: [], tasks: 0 };

export class AgentUsage {
  private readonly byAgent = new Map<string, Totals>();

  of(agentId: string): AgentUsageTotals {
    return this.byAgent.get(agentId) ?? NONE;
  }

  /** A task record replaced by another (either may be absent): moves its share. */
  change(before: TaskRecord | undefined, after: TaskRecord | undefined): void {
    if (before && !isTerminal(before.state)) this.count(before, -1);
    if (after && !isTerminal(after.state)) this.count(after, 1);
  }

  clear(): void {
    this.byAgent.clear();
  }

  private count(t: TaskRecord, sign: 1 | -1): void {
    let u = this.byAgent.get(t.agentId);
    if (!u) {
      u = new Totals();
      this.byAgent.set(t.agentId, u);
    }
    u.cpusMilli += sign * demandMilli(t.resources.cpus);
    u.memMilli += sign * demandMilli(t.resources.mem);
    u.diskMilli += sign * demandMilli(t.resources.disk);
    u.tasks += sign;
    for (const p of t.ports) {
      const n = (u.portCounts.get(p) ?? 0) + sign;
      if (n > 0) u.portCounts.set(p, n);
      else u.portCounts.delete(p);
    }
    if (u.tasks === 0) this.byAgent.delete(t.agentId);
  }
}
