/**
 * The working capacity of every agent during one placeTasks call: free cpus/mem/disk (milli-units),
 * free ports and load. Each placement is subtracted at once, so later requests see it.
 */
import type { AgentCapacity, Rng } from './placement-types.js';
import { type PortDemand, PortPool } from './ports.js';
import { Reason } from './reasons.js';
import { capacityMilli, demandMilli, utilisation } from './resources.js';

/** What one task needs from an agent, converted once per request. */
export interface Demand {
  /** Milli-units. */
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly ports: PortDemand;
  readonly needsDocker: boolean;
  readonly needsPrivileged: boolean;
}

export class AgentPool {
  readonly size: number;
  /** max(cpu, mem) utilisation per agent: the spreading tie-breaker. */
  readonly load: Float64Array;
  private readonly totalCpus: Float64Array;
  private readonly totalMem: Float64Array;
  private readonly usedCpus: Float64Array;
  private readonly usedMem: Float64Array;
  private readonly freeDisk: Float64Array;
  private readonly ports: PortPool[];

  constructor(readonly agents: readonly AgentCapacity[]) {
    const n = agents.length;
    this.size = n;
    this.load = new Float64Array(n);
    this.totalCpus = new Float64Array(n);
    this.totalMem = new Float64Array(n);
    this.usedCpus = new Float64Array(n);
    this.usedMem = new Float64Array(n);
    this.freeDisk = new Float64Array(n);
    this.ports = [];
    for (let a = 0; a < n; a++) {
      const agent = agents[a]!;
      this.totalCpus[a] = capacityMilli(agent.resources.cpus);
      this.totalMem[a] = capacityMilli(agent.resources.mem);
      this.usedCpus[a] = demandMilli(agent.used.cpus);
      this.usedMem[a] = demandMilli(agent.used.mem);
      this.freeDisk[a] = capacityMilli(agent.resources.disk) - demandMilli(agent.used.disk);
      this.ports.push(new PortPool(agent.resources.ports, agent.usedPorts));
      this.updateLoad(a);
    }
  }

  /** Could agent `a` take the demand now (ignoring constraints)? The hot path: no allocation. */
  fits(a: number, d: Demand): boolean {
    const agent = this.agents[a]!;
    return (
      agent.acceptsTasks &&
      (!d.needsDocker || agent.capabilities.docker) &&
      (!d.needsPrivileged || agent.capabilities.privileged === true) &&
      d.cpus <= this.totalCpus[a]! - this.usedCpus[a]! &&
      d.mem <= this.totalMem[a]! - this.usedMem[a]! &&
      d.disk <= this.freeDisk[a]! &&
      this.ports[a]!.fits(d.ports)
    );
  }

  /** Every reason agent `a` cannot take the demand, in a fixed order; empty when it fits. */
  shortfalls(a: number, d: Demand): string[] {
    const agent = this.agents[a]!;
    const reasons: string[] = [];
    if (!agent.acceptsTasks) reasons.push(Reason.AgentUnavailable);
    if (d.needsDocker && !agent.capabilities.docker) reasons.push(Reason.NoDockerCapability);
    if (d.needsPrivileged && agent.capabilities.privileged !== true)
      reasons.push(Reason.NoPrivilegedCapability);
    if (!(d.cpus <= this.totalCpus[a]! - this.usedCpus[a]!)) reasons.push(Reason.InsufficientCpus);
    if (!(d.mem <= this.totalMem[a]! - this.usedMem[a]!)) reasons.push(Reason.InsufficientMemory);
    if (!(d.disk <= this.freeDisk[a]!)) reasons.push(Reason.InsufficientDisk);
    if (!this.ports[a]!.fits(d.ports)) reasons.push(Reason.InsufficientPorts);
    return reasons;
  }

  /** Subtracts the demand from agent `a` and returns the host ports it got. Call only if fits(). */
  take(a: number, d: Demand, random: Rng): number[] {
    this.usedCpus[a]! += d.cpus;
    this.usedMem[a]! += d.mem;
    this.freeDisk[a]! -= d.disk;
    this.updateLoad(a);
    return this.ports[a]!.take(d.ports, random);
  }

  private updateLoad(a: number): void {
    this.load[a] = Math.max(
      utilisation(this.usedCpus[a]!, this.totalCpus[a]!),
      utilisation(this.usedMem[a]!, this.totalMem[a]!),
    );
  }
}
