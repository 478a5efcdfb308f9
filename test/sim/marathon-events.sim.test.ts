/**
 * Marathon's events that issue 13 found missing, emitted where Marathon emits them (simulation:
 * real Master, fake clock, agents and probes):
 * - add_health_check_event when an app version's checks become active (its first deployment, a
 *   new version), remove_health_check_event when a version stops being active (no task runs it
 *   any more) or the app is removed; a new leader announces the active ones again;
 * - unhealthy_task_kill_event, the old name, right beside unhealthy_instance_kill_event;
 * - group_change_failed when an accepted change fails (an app locked by a deployment, a
 *   dependency cycle), with the group, the version it would have had and the reason.
 * (unknown_instance_terminated_event: control-plane/tasks/task-lifecycle.test.ts.)
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BusEvent } from '../../src/control-plane/events/event-bus.js';
import { withApps } from '../../src/deploy/root-draft.js';
import { parseAppDefinition } from '../../src/domain/app-validate.js';
import { createSim, type Sim } from './harness.js';

const check = (path: string) => ({
  protocol: 'HTTP',
  path,
  gracePeriodSeconds: 5,
  intervalSeconds: 10,
  timeoutSeconds: 5,
  maxConsecutiveFailures: 3,
});

const app = (over: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve v1',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 1,
  healthChecks: [check('/health'), check('/ready')],
  ...over,
});

describe('Marathon events: health checks added/removed, unhealthy_task_kill_event, group_change_failed', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  function record(): BusEvent[] {
    const events: BusEvent[] = [];
    sim.master.events.subscribe((e) => events.push(e));
    return events;
  }
  const ofType = (events: BusEvent[], type: string) =>
    events.filter((e) => e.eventType === type).map((e) => e.payload as Record<string, unknown>);
  const paths = (payloads: Array<Record<string, unknown>>) =>
    payloads.map((p) => (p.healthCheck as { path: string }).path).sort();

  it('checks are added per active version and removed when a version or the app goes away', async () => {
    sim = await createSim();
    const events = record();
    await sim.deploy(app());
    await sim.until(() => sim.running('/web').length === 2 && sim.settled(), { what: 'v1 deployed' });
    const v1 = sim.master.getApp('/web')!.version;
    const added = ofType(events, 'add_health_check_event');
    assert.deepEqual(paths(added), ['/health', '/ready'], 'one event per check');
    assert.deepEqual(added[0], {
      appId: '/web',
      version: v1,
      healthCheck: sim.master
        .getApp('/web')!
        .healthChecks.find((h) => h.path === (added[0]!.healthCheck as { path: string }).path),
    });
    assert.equal(ofType(events, 'remove_health_check_event').length, 0);

    // A new version: its checks are added; v1's are removed once no v1 task is left.
    events.length = 0;
    await sim.master.putApp(parseAppDefinition(app({ cmd: 'serve v2', healthChecks: [check('/health')] })), {
      force: false,
    });
    await sim.until(() => ofType(events, 'add_health_check_event').length === 1, { what: 'v2 checks added' });
    const v2 = sim.master.getApp('/web')!.version;
    assert.equal(ofType(events, 'add_health_check_event')[0]!.version, v2);
    assert.equal(ofType(events, 'remove_health_check_event').length, 0, 'v1 tasks still run: kept');
    await sim.until(() => sim.settled() && sim.tasks('/web').every((t) => t.version === v2), {
      what: 'v2 rolled out',
    });
    await sim.until(() => ofType(events, 'remove_health_check_event').length === 2, {
      what: 'v1 checks removed',
    });
    const removed = ofType(events, 'remove_health_check_event');
    assert.deepEqual(paths(removed), ['/health', '/ready']);
    assert.deepEqual(Object.keys(removed[0]!).sort(), ['appId', 'healthCheck']);

    // A new leader starts with nothing added: it announces the active version's checks once.
    await sim.restartMaster();
    const afterFailover = record();
    await sim.until(() => ofType(afterFailover, 'add_health_check_event').length === 1, {
      what: 'checks re-announced by the new leader',
    });
    assert.equal(ofType(afterFailover, 'add_health_check_event')[0]!.version, v2);

    // The app removed: its checks are removed.
    await sim.master.deleteApp('/web', { force: true });
    await sim.until(() => ofType(afterFailover, 'remove_health_check_event').length === 1, {
      what: 'checks removed with the app',
    });
    assert.equal(ofType(afterFailover, 'remove_health_check_event')[0]!.appId, '/web');
  });

  it('an unhealthy kill is announced under both names', async () => {
    sim = await createSim();
    await sim.deploy(app({ instances: 1, healthChecks: [{ ...check('/health'), gracePeriodSeconds: 1 }] }));
    await sim.until(() => sim.running('/web').some((t) => t.healthy === true), { what: 'a healthy task' });
    const [task] = sim.running('/web');
    const events = record();
    sim.probes.set(task!.id, 'unhealthy');
    await sim.until(() => ofType(events, 'unhealthy_task_kill_event').length > 0, { what: 'the kill' });
    const modern = ofType(events, 'unhealthy_instance_kill_event')[0]!;
    const old = ofType(events, 'unhealthy_task_kill_event')[0]!;
    const { instanceId, ...rest } = modern;
    assert.equal(instanceId, task!.id);
    assert.deepEqual(old, rest);
    assert.deepEqual(Object.keys(old).sort(), ['appId', 'host', 'reason', 'slaveId', 'taskId', 'version']);
    assert.equal(old.taskId, task!.id);
  });

  it('a change that fails after it was accepted is announced as group_change_failed', async () => {
    sim = await createSim();
    await sim.deploy(app({ instances: 1, healthChecks: [] }));
    await sim.until(() => sim.settled() && sim.running('/web').length === 1, { what: 'deployed' });
    // Never healthy: the deployment that replaces v1 keeps running and locks the app.
    sim.probes.fallback = 'unhealthy';
    await sim.master.putApp(parseAppDefinition(app({ instances: 1, cmd: 'serve v2' })), { force: false });
    const events = record();
    await assert.rejects(
      sim.master.putApp(parseAppDefinition(app({ instances: 3, cmd: 'serve v2' })), { force: false }),
      /App is locked/,
    );
    const [failed] = ofType(events, 'group_change_failed');
    assert.ok(failed, 'group_change_failed emitted');
    assert.equal(failed.groupId, '/');
    assert.match(String(failed.reason), /App is locked by one or more deployments/);
    assert.equal(typeof failed.version, 'string');
    assert.ok(Date.parse(String(failed.version)) > Date.parse(sim.master.getApp('/web')!.version));
    assert.equal(ofType(events, 'group_change_success').length, 0);

    // A dependency cycle in a group change: refused, announced with the group it was about.
    const a = parseAppDefinition({ id: '/g/a', cmd: 'x', dependencies: ['/g/b'] });
    const b = parseAppDefinition({ id: '/g/b', cmd: 'x', dependencies: ['/g/a'] });
    await assert.rejects(
      sim.master.changeGroups((root) => ({ draft: withApps(root, [a, b]), paths: new Map() }), {
        force: false,
        dryRun: false,
        groupId: '/g',
      }),
    );
    const cycle = ofType(events, 'group_change_failed')[1];
    assert.equal(cycle?.groupId, '/g');
    assert.ok(String(cycle?.reason).length > 0);
  });
});
