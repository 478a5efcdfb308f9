/**
 * Inputs and outputs of pure placement (placement.ts). The control plane builds a PlacementInput
 * from its state, calls placeTasks, and applies the returned plan.
 */
import type { AgentCapabilities, Resources } from '../domain/agent.js';
import type { Constraint } from '../domain/app.js';

/** Uniform float in [0, 1). Injected so placement is reproducible. */
export type Rng = () => number;

export interface AgentCapacity {
  id: string;
  hostname: string;
  attributes: Record<string, string>;
  capabilities: AgentCapabilities;
  /** Total offered. */
  resources: Resources;
  /** Already used by tasks on this agent (cpus, mem, disk). */
  used: { cpus: number; mem: number; disk: number };
  /** Host ports already taken on this agent. */
  usedPorts: Iterable<number>;
  /** A draining or disconnected agent gets no new tasks. */
  acceptsTasks: boolean;
}

/** A task already placed: constraints (UNIQUE, GROUP_BY, MAX_PER...) count these. */
export interface PlacedTask {
  appId: string;
  agentId: string;
}

export interface PlacementRequest {
  /** Caller's key for this request (e.g. the task id it will become). */
  key: string;
  appId: string;
  cpus: number;
  mem: number;
  disk: number;
  /** One entry per port wanted; 0 = any free port from the agent's ranges. */
  ports: number[];
  /** When true, non-zero ports must be exactly those host ports. */
  requirePorts: boolean;
  constraints: Constraint[];
  needsDocker: boolean;
  /** A privileged container: only agents that allow them (capabilities.privileged). Default false. */
  needsPrivileged?: boolean;
  /** Higher goes first (jobs' highPriority); default 0. */
  priority?: number;
}

export interface Placement {
  key: string;
  agentId: string;
  hostname: string;
  ports: number[];
}

/** Why one agent could not take a request; Marathon-like short reason strings. */
export interface AgentRejection {
  agentId: string;
  hostname: string;
  reasons: string[];
}

export interface Unplaced {
  key: string;
  appId: string;
  rejections: AgentRejection[];
}

export interface PlacementInput {
  agents: AgentCapacity[];
  placed: PlacedTask[];
  requests: PlacementRequest[];
  random: Rng;
}

export interface PlacementPlan {
  placements: Placement[];
  unplaced: Unplaced[];
}
