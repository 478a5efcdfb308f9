/**
 * The one contract every Store adapter passes (DESIGN.md §5.5). Each test gets a fresh store from
 * `make` and closes it. Adapter-specific checks (files, pragmas, reopening) live beside the adapter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentInfo } from '../domain/agent.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import { deploymentStoreContract } from './deployment-store.contract.js';
import { jobBatchContract } from './job-batch.contract.js';
import { jobStoreContract } from './job-store.contract.js';
import type { Store } from './port.js';

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

const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';
const V3 = '2024-03-01T00:00:00.000Z';

class Boom extends Error {}

export function storeContract(name: string, make: () => Promise<Store>): void {
  /** A fresh store per test, closed afterwards even when the test fails. */
  function withStore(body: (store: Store) => Promise<void>): () => Promise<void> {
    return async () => {
      const store = await make();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    };
  }

  describe(`Store contract: ${name}`, () => {
    jobStoreContract(make);
    jobBatchContract(make);
    deploymentStoreContract(make);
    describe('apps', () => {
      it(
        'puts, gets and lists apps ordered by id',
        withStore(async (store) => {
          assert.equal(await store.getApp('/web'), undefined);
          assert.deepEqual(await store.listApps(), []);
          await store.putApp(sampleApp('/web'));
          await store.putApp(sampleApp('/api/db'));
          await store.putApp(sampleApp('/api/cache'));
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
          assert.deepEqual(
            (await store.listApps()).map((a) => a.id),
            ['/api/cache', '/api/db', '/web'],
          );
        }),
      );

      it(
        'replaces the current definition with the last one put',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web', V1, { instances: 1 }));
          await store.putApp(sampleApp('/web', V2, { instances: 3 }));
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web', V2, { instances: 3 }));
          assert.equal((await store.listApps()).length, 1);
        }),
      );

      it(
        'keeps every version, listed newest first, each retrievable',
        withStore(async (store) => {
          // Put out of timestamp order: the list is ordered by timestamp, not by insertion.
          await store.putApp(sampleApp('/web', V2, { instances: 2 }));
          await store.putApp(sampleApp('/web', V1, { instances: 1 }));
          await store.putApp(sampleApp('/web', V3, { instances: 3 }));
          await store.putApp(sampleApp('/other', V1));
          assert.deepEqual(await store.listAppVersions('/web'), [V3, V2, V1]);
          assert.deepEqual(await store.listAppVersions('/other'), [V1]);
          assert.deepEqual(await store.getAppVersion('/web', V1), sampleApp('/web', V1, { instances: 1 }));
          assert.deepEqual(await store.getAppVersion('/web', V2), sampleApp('/web', V2, { instances: 2 }));
          assert.equal(await store.getAppVersion('/web', '2000-01-01T00:00:00.000Z'), undefined);
          assert.equal(await store.getAppVersion('/nope', V1), undefined);
          assert.deepEqual(await store.listAppVersions('/nope'), []);
        }),
      );

      it(
        'putting the same id and version again overwrites that version instead of adding one',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web', V1, { instances: 1 }));
          await store.putApp(sampleApp('/web', V1, { instances: 4 }));
          assert.deepEqual(await store.listAppVersions('/web'), [V1]);
          assert.equal((await store.getAppVersion('/web', V1))?.instances, 4);
          assert.equal((await store.getApp('/web'))?.instances, 4);
        }),
      );

      it(
        'deleteApp removes the app, its versions and its last failure, but not its tasks',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web', V1));
          await store.putApp(sampleApp('/web', V2));
          await store.putApp(sampleApp('/keep', V1));
          await store.putTaskFailure(sampleFailure('/web'));
          await store.putTaskFailure(sampleFailure('/keep'));
          await store.putTask(sampleTask('web.1', '/web', 'agent-1'));

          await store.deleteApp('/web');

          assert.equal(await store.getApp('/web'), undefined);
          assert.deepEqual(await store.listAppVersions('/web'), []);
          assert.equal(await store.getAppVersion('/web', V1), undefined);
          assert.equal(await store.getTaskFailure('/web'), undefined);
          assert.deepEqual(
            (await store.listTasks({ appId: '/web' })).map((t) => t.id),
            ['web.1'],
          );
          assert.deepEqual(await store.getApp('/keep'), sampleApp('/keep', V1));
          assert.deepEqual(await store.getTaskFailure('/keep'), sampleFailure('/keep'));

          // A re-created app starts with no history.
          await store.putApp(sampleApp('/web', V3));
          assert.deepEqual(await store.listAppVersions('/web'), [V3]);
        }),
      );

      it(
        'deleting an unknown app is a no-op',
        withStore(async (store) => {
          await store.deleteApp('/nope');
          assert.deepEqual(await store.listApps(), []);
        }),
      );

      it(
        'keeps every field of a full definition, optional ones included',
        withStore(async (store) => {
          const app = sampleApp('/full', V1, {
            args: ['a', 'b'],
            user: 'nobody',
            container: {
              type: 'DOCKER',
              docker: {
                image: 'busybox',
                network: 'BRIDGE',
                portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp', name: 'http' }],
                privileged: false,
                parameters: [{ key: 'label', value: 'x=y' }],
                forcePullImage: false,
              },
              volumes: [{ containerPath: '/data', hostPath: '/tmp', mode: 'RW' }],
            },
            healthChecks: [
              {
                protocol: 'HTTP',
                path: '/health',
                portIndex: 0,
                gracePeriodSeconds: 300,
                intervalSeconds: 60,
                timeoutSeconds: 20,
                maxConsecutiveFailures: 3,
                ignoreHttp1xx: false,
              },
            ],
            unreachableStrategy: 'disabled',
            taskKillGracePeriodSeconds: 5,
            acceptedResourceRoles: ['*'],
          });
          await store.putApp(app);
          assert.deepEqual(await store.getApp('/full'), app);
          assert.deepEqual(await store.getAppVersion('/full', V1), app);
        }),
      );
    });

    describe('tasks', () => {
      it(
        'puts, gets, replaces and deletes tasks',
        withStore(async (store) => {
          assert.equal(await store.getTask('web.1'), undefined);
          await store.putTask(sampleTask('web.1', '/web', 'agent-1', { state: 'TASK_STAGING' }));
          assert.equal((await store.getTask('web.1'))?.state, 'TASK_STAGING');
          const running = sampleTask('web.1', '/web', 'agent-1', {
            state: 'TASK_RUNNING',
            healthCheckResults: [
              {
                alive: true,
                consecutiveFailures: 0,
                firstSuccess: '2024-01-01T00:00:01.000Z',
                lastFailure: null,
                lastSuccess: '2024-01-01T00:00:01.000Z',
                lastFailureCause: null,
                instanceId: 'web.1',
              },
            ],
          });
          await store.putTask(running);
          assert.deepEqual(await store.getTask('web.1'), running);
          assert.equal((await store.listTasks()).length, 1);
          await store.deleteTask('web.1');
          assert.equal(await store.getTask('web.1'), undefined);
          await store.deleteTask('web.1');
          assert.deepEqual(await store.listTasks(), []);
        }),
      );

      it(
        'filters tasks by app, by agent and by both, ordered by id',
        withStore(async (store) => {
          await store.putTask(sampleTask('web.2', '/web', 'agent-2'));
          await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
          await store.putTask(sampleTask('db.1', '/db', 'agent-1'));
          await store.putTask(sampleTask('db.2', '/db', 'agent-3'));
          const ids = async (filter?: Parameters<Store['listTasks']>[0]) =>
            (await store.listTasks(filter)).map((t) => t.id);
          assert.deepEqual(await ids(), ['db.1', 'db.2', 'web.1', 'web.2']);
          assert.deepEqual(await ids({}), ['db.1', 'db.2', 'web.1', 'web.2']);
          assert.deepEqual(await ids({ appId: '/web' }), ['web.1', 'web.2']);
          assert.deepEqual(await ids({ agentId: 'agent-1' }), ['db.1', 'web.1']);
          assert.deepEqual(await ids({ appId: '/db', agentId: 'agent-1' }), ['db.1']);
          assert.deepEqual(await ids({ appId: '/db', agentId: 'agent-2' }), []);
          assert.deepEqual(await ids({ appId: '/nope' }), []);
        }),
      );

      it(
        'moving a task to another agent updates the agent filter',
        withStore(async (store) => {
          await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
          await store.putTask(sampleTask('web.1', '/web', 'agent-2'));
          assert.deepEqual(await store.listTasks({ agentId: 'agent-1' }), []);
          assert.equal((await store.listTasks({ agentId: 'agent-2' })).length, 1);
        }),
      );
    });

    describe('agents', () => {
      it(
        'puts, gets, lists (ordered by id), replaces and deletes agents',
        withStore(async (store) => {
          assert.equal(await store.getAgent('a2'), undefined);
          await store.putAgent(sampleAgent('a2'));
          await store.putAgent(sampleAgent('a1'));
          assert.deepEqual(await store.getAgent('a2'), sampleAgent('a2'));
          assert.deepEqual(
            (await store.listAgents()).map((a) => a.id),
            ['a1', 'a2'],
          );
          await store.putAgent(sampleAgent('a2', { connected: false, draining: true }));
          assert.deepEqual(
            await store.getAgent('a2'),
            sampleAgent('a2', { connected: false, draining: true }),
          );
          await store.deleteAgent('a2');
          await store.deleteAgent('a2');
          assert.deepEqual(await store.listAgents(), [sampleAgent('a1')]);
        }),
      );
    });

    describe('task failures', () => {
      it(
        'keeps the last failure per app',
        withStore(async (store) => {
          assert.equal(await store.getTaskFailure('/web'), undefined);
          await store.putTaskFailure(sampleFailure('/web', { message: 'first' }));
          await store.putTaskFailure(sampleFailure('/web', { message: 'second' }));
          await store.putTaskFailure(sampleFailure('/db'));
          assert.deepEqual(await store.getTaskFailure('/web'), sampleFailure('/web', { message: 'second' }));
          assert.deepEqual(await store.getTaskFailure('/db'), sampleFailure('/db'));
        }),
      );

      it(
        'stores a failure for an app it does not have (the store does not validate)',
        withStore(async (store) => {
          await store.putTaskFailure(sampleFailure('/ghost'));
          assert.deepEqual(await store.getTaskFailure('/ghost'), sampleFailure('/ghost'));
        }),
      );
    });

    describe('copies', () => {
      it(
        'mutating what was put or what was returned never changes the store',
        withStore(async (store) => {
          const app = sampleApp('/web');
          const task = sampleTask('web.1', '/web', 'agent-1');
          const agent = sampleAgent('agent-1');
          const failure = sampleFailure('/web');
          await store.putApp(app);
          await store.putTask(task);
          await store.putAgent(agent);
          await store.putTaskFailure(failure);

          app.instances = 99;
          app.env['MODE'] = 'changed';
          task.ports.push(1);
          agent.resources.ports[0]![0] = 1;
          failure.message = 'changed';

          const gotApp = (await store.getApp('/web'))!;
          gotApp.labels['x'] = 'y';
          gotApp.constraints.pop();
          (await store.listApps())[0]!.instances = 50;
          (await store.getAppVersion('/web', V1))!.cmd = 'changed';
          (await store.getTask('web.1'))!.state = 'TASK_FAILED';
          (await store.listTasks({ appId: '/web' }))[0]!.ports.length = 0;
          (await store.getAgent('agent-1'))!.attributes['rack'] = 'r9';
          (await store.listAgents())[0]!.connected = false;
          (await store.getTaskFailure('/web'))!.message = 'changed';

          assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
          assert.deepEqual(await store.getAppVersion('/web', V1), sampleApp('/web'));
          assert.deepEqual(await store.getTask('web.1'), sampleTask('web.1', '/web', 'agent-1'));
          assert.deepEqual(await store.getAgent('agent-1'), sampleAgent('agent-1'));
          assert.deepEqual(await store.getTaskFailure('/web'), sampleFailure('/web'));
        }),
      );

      it(
        'a put captures the value when called, even if the caller mutates it before the put settles',
        withStore(async (store) => {
          const app = sampleApp('/web');
          const task = sampleTask('web.1', '/web', 'agent-1');
          const agent = sampleAgent('agent-1');
          const failure = sampleFailure('/web');
          const puts = [
            store.putApp(app),
            store.putTask(task),
            store.putAgent(agent),
            store.putTaskFailure(failure),
          ];
          app.instances = 99;
          task.state = 'TASK_KILLED';
          agent.connected = false;
          failure.message = 'changed';
          await Promise.all(puts);
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
          assert.deepEqual(await store.getTask('web.1'), sampleTask('web.1', '/web', 'agent-1'));
          assert.deepEqual(await store.getAgent('agent-1'), sampleAgent('agent-1'));
          assert.deepEqual(await store.getTaskFailure('/web'), sampleFailure('/web'));
        }),
      );

      it(
        'two reads return distinct objects',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web'));
          const a = await store.getApp('/web');
          const b = await store.getApp('/web');
          assert.notEqual(a, b);
          assert.deepEqual(a, b);
        }),
      );
    });

    describe('transactions', () => {
      it(
        'commits every write and returns fn’s result',
        withStore(async (store) => {
          const result = await store.transaction(async (tx) => {
            await tx.putApp(sampleApp('/web'));
            await tx.putTask(sampleTask('web.1', '/web', 'agent-1'));
            await tx.putAgent(sampleAgent('agent-1'));
            await tx.putTaskFailure(sampleFailure('/web'));
            return 42;
          });
          assert.equal(result, 42);
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
          assert.deepEqual(await store.listAppVersions('/web'), [V1]);
          assert.ok(await store.getTask('web.1'));
          assert.ok(await store.getAgent('agent-1'));
          assert.ok(await store.getTaskFailure('/web'));
        }),
      );

      it(
        'sees its own writes before commit',
        withStore(async (store) => {
          await store.putTask(sampleTask('old.1', '/old', 'agent-1'));
          await store.transaction(async (tx) => {
            await tx.putApp(sampleApp('/web'));
            await tx.putTask(sampleTask('web.1', '/web', 'agent-1'));
            await tx.deleteTask('old.1');
            assert.deepEqual(await tx.getApp('/web'), sampleApp('/web'));
            assert.deepEqual(await tx.listAppVersions('/web'), [V1]);
            assert.deepEqual(
              (await tx.listTasks({ agentId: 'agent-1' })).map((t) => t.id),
              ['web.1'],
            );
            assert.equal(await tx.getTask('old.1'), undefined);
          });
        }),
      );

      it(
        'a throw inside fn leaves no write visible and rethrows the same error',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web', V1));
          await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
          await store.putAgent(sampleAgent('agent-1'));
          await store.putTaskFailure(sampleFailure('/web'));
          const boom = new Boom('boom');
          await assert.rejects(
            store.transaction(async (tx) => {
              await tx.putApp(sampleApp('/web', V2, { instances: 7 }));
              await tx.putApp(sampleApp('/new'));
              await tx.putTask(sampleTask('web.2', '/web', 'agent-1'));
              await tx.deleteTask('web.1');
              await tx.putAgent(sampleAgent('agent-1', { connected: false }));
              await tx.deleteAgent('agent-1');
              await tx.putAgent(sampleAgent('agent-2'));
              await tx.putTaskFailure(sampleFailure('/new'));
              await tx.deleteApp('/web');
              throw boom;
            }),
            (e) => e === boom,
          );
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web', V1));
          assert.deepEqual(await store.listAppVersions('/web'), [V1]);
          assert.equal(await store.getApp('/new'), undefined);
          assert.deepEqual(await store.listAppVersions('/new'), []);
          assert.deepEqual(
            (await store.listTasks()).map((t) => t.id),
            ['web.1'],
          );
          assert.deepEqual(await store.listAgents(), [sampleAgent('agent-1')]);
          assert.deepEqual(await store.getTaskFailure('/web'), sampleFailure('/web'));
          assert.equal(await store.getTaskFailure('/new'), undefined);
        }),
      );

      it(
        'a nested transaction joins the outer one: it commits with it and rolls back with it',
        withStore(async (store) => {
          await store.transaction(async (tx) => {
            await tx.putApp(sampleApp('/a'));
            const inner = await store.transaction(async (tx2) => {
              assert.deepEqual(await tx2.getApp('/a'), sampleApp('/a'));
              await tx2.putApp(sampleApp('/b'));
              return 'inner';
            });
            assert.equal(inner, 'inner');
            assert.ok(await tx.getApp('/b'));
          });
          assert.deepEqual(
            (await store.listApps()).map((a) => a.id),
            ['/a', '/b'],
          );

          await assert.rejects(
            store.transaction(async (tx) => {
              await tx.putApp(sampleApp('/c'));
              await store.transaction(async (tx2) => {
                await tx2.putApp(sampleApp('/d'));
              });
              throw new Boom('outer fails after the inner one finished');
            }),
            Boom,
          );
          assert.deepEqual(
            (await store.listApps()).map((a) => a.id),
            ['/a', '/b'],
          );
        }),
      );

      it(
        'calls on the store itself from inside fn join the transaction (no deadlock, no leak)',
        withStore(async (store) => {
          await assert.rejects(
            store.transaction(async () => {
              await store.putApp(sampleApp('/web'));
              assert.ok(await store.getApp('/web'));
              await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
              throw new Boom('roll back');
            }),
            Boom,
          );
          assert.equal(await store.getApp('/web'), undefined);
          assert.equal(await store.getTask('web.1'), undefined);
        }),
      );

      it(
        'a write from outside waits for an open transaction and is not lost by its commit or rollback',
        withStore(async (store) => {
          let entered!: () => void;
          const inside = new Promise<void>((resolve) => {
            entered = resolve;
          });
          let proceed!: () => void;
          const gate = new Promise<void>((resolve) => {
            proceed = resolve;
          });

          const committing = store.transaction(async (tx) => {
            await tx.putTask(sampleTask('tx.1', '/tx', 'agent-1'));
            entered();
            await gate;
            await tx.putTask(sampleTask('tx.2', '/tx', 'agent-1'));
          });
          await inside;
          const outside = store.putTask(sampleTask('out.1', '/out', 'agent-1'));
          proceed();
          await Promise.all([committing, outside]);

          const failing = store.transaction(async (tx) => {
            await tx.putTask(sampleTask('tx.3', '/tx', 'agent-1'));
            throw new Boom('roll back');
          });
          const outside2 = store.putTask(sampleTask('out.2', '/out', 'agent-1'));
          await assert.rejects(failing, Boom);
          await outside2;

          assert.deepEqual(
            (await store.listTasks()).map((t) => t.id),
            ['out.1', 'out.2', 'tx.1', 'tx.2'],
          );
        }),
      );

      it(
        'concurrent read-modify-write transactions do not lose updates',
        withStore(async (store) => {
          await store.putAgent(sampleAgent('counter', { attributes: { n: '0' } }));
          await Promise.all(
            Array.from({ length: 20 }, () =>
              store.transaction(async (tx) => {
                const agent = (await tx.getAgent('counter'))!;
                await new Promise((resolve) => setImmediate(resolve));
                agent.attributes['n'] = String(Number(agent.attributes['n']) + 1);
                await tx.putAgent(agent);
              }),
            ),
          );
          assert.equal((await store.getAgent('counter'))?.attributes['n'], '20');
        }),
      );
    });

    describe('concurrency', () => {
      it(
        'concurrent writes of different entities are all kept',
        withStore(async (store) => {
          const n = 50;
          await Promise.all([
            ...Array.from({ length: n }, (_, i) =>
              store.putTask(sampleTask(`t.${i}`, '/web', `agent-${i % 3}`)),
            ),
            ...Array.from({ length: n }, (_, i) => store.putApp(sampleApp(`/app-${i}`))),
            ...Array.from({ length: n }, (_, i) =>
              store.putApp(sampleApp('/many', new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())),
            ),
            ...Array.from({ length: 10 }, (_, i) => store.putAgent(sampleAgent(`agent-${i}`))),
            ...Array.from({ length: 10 }, (_, i) =>
              store.transaction(async (tx) => {
                await tx.putTaskFailure(sampleFailure(`/app-${i}`));
                await tx.putTask(sampleTask(`tx.${i}`, '/tx', 'agent-0'));
              }),
            ),
          ]);
          assert.equal((await store.listTasks({ appId: '/web' })).length, n);
          assert.equal((await store.listTasks({ appId: '/tx' })).length, 10);
          assert.equal((await store.listApps()).length, n + 1);
          assert.equal((await store.listAppVersions('/many')).length, n);
          assert.equal((await store.listAgents()).length, 10);
          for (let i = 0; i < 10; i++) assert.ok(await store.getTaskFailure(`/app-${i}`));
        }),
      );
    });

    describe('close', () => {
      it('waits for calls already started, then refuses new ones', async () => {
        const store = await make();
        const writes = Array.from({ length: 20 }, (_, i) => store.putTask(sampleTask(`t.${i}`, '/web', 'a')));
        const tx = store.transaction(async (t) => {
          await t.putApp(sampleApp('/web'));
        });
        await store.close();
        await Promise.all([...writes, tx]);
        await assert.rejects(store.getApp('/web'));
        await store.close();
      });
    });
  });
}
