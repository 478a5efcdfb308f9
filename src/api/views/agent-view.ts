/**
 * `GET /v2/agents` (a Drover extension; Marathon left this to Mesos' /state): each agent with
 * what it offers, what its live tasks use, its attributes, liveness and maintenance state.
 */
import type { AgentInfo } from '../../domain/agent.js';
import { isTerminal, type TaskRecord } from '../../domain/task.js';

export interface AgentView {
  id: string;
  hostname: string;
  address: string;
  connected: boolean;
  draining: boolean;
  attributes: Record<string, string>;
  capabilities: AgentInfo['capabilities'];
  resources: {
    total: AgentInfo['resources'];
    used: { cpus: number; mem: number; disk: number; ports: number[] };
  };
  registeredAt: string;
  lastHeartbeatAt: string;
  /** Live tasks; a job run's task also names its job. */
  tasks: Array<{ id: string; appId: string; state: string; job?: string }>;
}

/** Sums only live tasks: a finished task frees what it used. Rounded against float dust (0.1+0.2). */
export function agentView(agent: AgentInfo, tasks: TaskRecord[]): AgentView {
  const live = tasks.filter((t) => t.agentId === agent.id && !isTerminal(t.state));
  const sum = (f: (t: TaskRecord) => number) => Math.round(live.reduce((n, t) => n + f(t), 0) * 1000) / 1000;
  return {
    id: agent.id,
    hostname: agent.hostname,
    address: agent.address,
    connected: agent.connected,
    draining: agent.draining === true,
    attributes: agent.attributes,
    capabilities: agent.capabilities,
    resources: {
      total: agent.resources,
      used: {
        cpus: sum((t) => t.resources.cpus),
        mem: sum((t) => t.resources.mem),
        disk: sum((t) => t.resources.disk),
        ports: live.flatMap((t) => t.ports).sort((a, b) => a - b),
      },
    },
    registeredAt: new Date(agent.registeredAt).toISOString(),
    lastHeartbeatAt: new Date(agent.lastHeartbeatAt).toISOString(),
    tasks: live
      .map((t) => ({ id: t.id, appId: t.appId, state: t.state, ...(t.jobRun ? { job: t.jobRun.job } : {}) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
