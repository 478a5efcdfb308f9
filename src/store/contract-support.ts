/**
 * Shared by the Store contract files (store.contract.ts and the ones it runs): sample records and
 * a fresh store per test.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { Store } from './port.js';

/** Wraps a test body: a fresh store from `make`, closed afterwards even when the test fails. */
export function perTestStore(make: () => Promise<Store>) {
  return (body: (store: Store) => Promise<void>) => async (): Promise<void> => {
    const store = await make();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
}

export function sampleApp(
  id: string,
  version = '2024-01-01T00:00:00.000Z',
  over: Partial<AppDefinition> = {},
) {
  const app: AppDefinition = {
    id,
    cmd: 'node server.js',
    env: { MODE: 'test' },
    instances: 1,
    cpus: 0.1,
    mem: 32,
    disk: 0,
    gpus: 0,
    executor: '',
    constraints: [['hostname', 'UNIQUE']],
    uris: [],
    fetch: [],
    storeUrls: [],
    backoffSeconds: 1,
    backoffFactor: 1.15,
    maxLaunchDelaySeconds: 300,
    networks: [{ mode: 'host' }],
    healthChecks: [],
    readinessChecks: [],
    dependencies: [],
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    labels: { team: 'a' },
    portDefinitions: [{ port: 0, protocol: 'tcp', name: 'http' }],
    requirePorts: false,
    killSelection: 'YOUNGEST_FIRST',
    unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    version,
    versionInfo: { lastScalingAt: version, lastConfigChangeAt: version },
    ...over,
  };
  return app;
}

export function sampleTask(id: string, appId: string, agentId: string, over: Partial<TaskRecord> = {}) {
  // A cast rather than an annotation: the fixture stays valid while TaskRecord gains fields.
  return {
    id,
    appId,
    version: '2024-01-01T00:00:00.000Z',
    agentId,
    host: '127.0.0.1',
    ports: [31000],
    servicePorts: [10000],
    state: 'TASK_RUNNING',
    stagedAt: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    updatedAt: 1_700_000_001_000,
    resources: { cpus: 0.1, mem: 32, disk: 0 },
    ...over,
  } as TaskRecord;
}

export function sampleAgent(id: string, over: Partial<AgentInfo> = {}) {
  const agent: AgentInfo = {
    id,
    hostname: `${id}.local`,
    address: '127.0.0.1',
    resources: { cpus: 4, mem: 4096, disk: 10_000, ports: [[31000, 32000]] },
    attributes: { rack: 'r1' },
    capabilities: { docker: false },
    registeredAt: 1_700_000_000_000,
    lastHeartbeatAt: 1_700_000_000_000,
    connected: true,
    ...over,
  };
  return agent;
}

export function sampleFailure(appId: string, over: Partial<TaskFailure> = {}) {
  const failure: TaskFailure = {
    appId,
    host: '127.0.0.1',
    message: 'exited with 1',
    state: 'TASK_FAILED',
    taskId: `${appId.slice(1)}.1`,
    timestamp: '2024-01-01T00:00:05.000Z',
    version: '2024-01-01T00:00:00.000Z',
    slaveId: 'agent-1',
    ...over,
  };
  return failure;
}

/** App versions in order, for the version tests. */
export const V1 = '2024-01-01T00:00:00.000Z';
export const V2 = '2024-02-01T00:00:00.000Z';
export const V3 = '2024-03-01T00:00:00.000Z';
