/**
 * Builders for stored apps and tasks with Marathon's defaults filled in, and a server wired to a
 * FakeMaster with a fixed clock.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { buildApiServer } from '../server.js';
import { FAKE_NOW, FakeMaster } from './fake-master.js';

export const V1 = '2026-01-01T00:00:00.000Z';

export function storedApp(over: Partial<AppDefinition> & { id: string }): AppDefinition {
  return {
    cmd: 'sleep 1000',
    env: {},
    instances: 1,
    cpus: 1,
    mem: 128,
    disk: 0,
    gpus: 0,
    executor: '',
    constraints: [],
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
    labels: {},
    portDefinitions: [{ port: 10000, protocol: 'tcp' }],
    requirePorts: false,
    killSelection: 'YOUNGEST_FIRST',
    unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    version: V1,
    versionInfo: { lastScalingAt: V1, lastConfigChangeAt: V1 },
    ...over,
  };
}

export function taskOf(app: AppDefinition, n: number, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: `${app.id.slice(1).replaceAll('/', '_')}.task-${n}`,
    appId: app.id,
    version: app.version,
    agentId: 'agent-1',
    host: '127.0.0.1',
    ports: app.portDefinitions.map((_, i) => 31000 + n * 10 + i),
    servicePorts: app.portDefinitions.map((p) => p.port),
    state: 'TASK_RUNNING',
    stagedAt: FAKE_NOW - 60_000,
    startedAt: FAKE_NOW - 50_000,
    updatedAt: FAKE_NOW - 50_000,
    resources: { cpus: app.cpus, mem: app.mem, disk: app.disk },
    ...over,
  };
}

export interface TestApi {
  server: FastifyInstance;
  master: FakeMaster;
}

export function testApi(opts: { bodyLimit?: number } = {}): TestApi {
  const master = new FakeMaster();
  const server = buildApiServer({
    master,
    clock: new FakeClock(FAKE_NOW),
    ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
  });
  return { server, master };
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}
