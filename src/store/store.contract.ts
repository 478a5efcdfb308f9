/**
 * The one contract every Store adapter passes (DESIGN.md §5.5). Each test gets a fresh store from
 * `make` and closes it. Adapter-specific checks (files, pragmas, reopening) live beside the adapter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  perTestStore,
  sampleAgent,
  sampleApp,
  sampleFailure,
  sampleTask,
  V1,
  V2,
  V3,
} from './contract-support.js';
import { deploymentStoreContract } from './deployment-store.contract.js';
import { eventSubscriptionStoreContract } from './event-subscription-store.contract.js';
import { groupCommitContract } from './group-commit.contract.js';
import { jobBatchContract } from './job-batch.contract.js';
import { jobStoreContract } from './job-store.contract.js';
import type { Store } from './port.js';
import { securityStoreContract } from './security-store.contract.js';
import { transactionContract } from './transaction.contract.js';

export { sampleAgent, sampleApp, sampleFailure, sampleTask } from './contract-support.js';

export function storeContract(name: string, make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe(`Store contract: ${name}`, () => {
    jobStoreContract(make);
    jobBatchContract(make);
    deploymentStoreContract(make);
    securityStoreContract(make);
    groupCommitContract(make);
    eventSubscriptionStoreContract(make);
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
          assert.deepEqual(await store.listTaskFailures(), [sampleFailure('/keep')]);
          await store.putTaskFailure(sampleFailure('/a'));
          assert.deepEqual(
            (await store.listTaskFailures()).map((f) => f.appId),
            ['/a', '/keep'],
          );

          // A re-created app starts with no history.
          await store.putApp(sampleApp('/web', V3));
          assert.deepEqual(await store.listAppVersions('/web'), [V3]);
        }),
      );

      it(
        'deleteAppVersion forgets that version only; the current definition stays',
        withStore(async (store) => {
          await store.putApp(sampleApp('/web', V1));
          await store.putApp(sampleApp('/web', V2));
          await store.putApp(sampleApp('/web', V3));
          await store.deleteAppVersion('/web', V1);
          await store.deleteAppVersion('/web', 'no-such-version');
          await store.deleteAppVersion('/nope', V1);
          assert.deepEqual(await store.listAppVersions('/web'), [V3, V2]);
          assert.equal(await store.getAppVersion('/web', V1), undefined);
          assert.deepEqual(await store.getApp('/web'), sampleApp('/web', V3));
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

    transactionContract(make);
  });
}
