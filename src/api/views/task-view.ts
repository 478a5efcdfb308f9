/**
 * A task in Marathon's JSON shape (EnrichedTask). Only Marathon's field names appear here:
 * python3-marathon builds its MarathonTask from every key and fails on one it does not know.
 */
import { isIP } from 'node:net';
import type { TaskRecord, TaskState } from '../../domain/task.js';

export interface TaskJson {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  servicePorts: number[];
  slaveId: string;
  stagedAt: string;
  startedAt?: string;
  version: string;
  state: TaskState;
  ipAddresses: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  healthCheckResults: Array<Record<string, unknown>>;
  localVolumes: never[];
}

export function taskView(t: TaskRecord): TaskJson {
  const family = isIP(t.host);
  return {
    id: t.id,
    appId: t.appId,
    host: t.host,
    ports: t.ports,
    servicePorts: t.servicePorts,
    slaveId: t.agentId,
    stagedAt: iso(t.stagedAt),
    ...(t.startedAt !== undefined ? { startedAt: iso(t.startedAt) } : {}),
    version: t.version,
    state: t.state,
    ipAddresses: family === 0 ? [] : [{ ipAddress: t.host, protocol: family === 6 ? 'IPv6' : 'IPv4' }],
    // Marathon 1.4 clients read taskId, later ones instanceId; both are sent.
    healthCheckResults: (t.healthCheckResults ?? []).map((r) => ({ ...r, taskId: t.id })),
    localVolumes: [],
  };
}

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
