import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storedApp, taskOf } from '../../api/test-support/fixtures.js';
import { type GroupRecord, rootGroup } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { EventBus } from '../events/event-bus.js';
import type { DeploymentPlanJson } from '../events/event-types.js';
import type { DeploymentStatus } from '../master-api.js';
import { DroverMetrics, type MetricsMaster } from './drover-metrics.js';

const T0 = Date.parse('2026-01-02T03:00:00.000Z');

function setup() {
  const clock = new FakeClock(T0);
  const apps: AppDefinition[] = [];
  const tasks: TaskRecord[] = [];
  const running: Array<{ id: string }> = [];
  const groups: GroupRecord[] = [];
  const events = new EventBus(() => clock.now());
  const master: MetricsMaster = {
    events,
    listApps: () => apps,
    listTasks: () => tasks,
    deployments: () => running as unknown as DeploymentStatus[],
    // As the master's: the groups kept, plus every app's ancestors.
    rootGroup: () => rootGroup('v', groups, apps),
    info: () => ({
      name: 'drover',
      version: '0',
      frameworkId: 'f',
      leader: 'h:1',
      electedAt: new Date(T0 - 30_000).toISOString(),
      http: { host: 'h', port: 1 },
    }),
  };
  const metrics = new DroverMetrics({ master, clock });
  return { master, metrics, apps, tasks, running, groups, events, advance: (ms: number) => clock.jump(ms) };
}

const plan = (id: string): DeploymentPlanJson => ({ id, original: {}, target: {}, steps: [], version: 'v' });
const step = { actions: [{ action: 'ScaleApplication', app: '/a' }] };

describe('DroverMetrics', () => {
  it('reads apps, groups and tasks by state from the master at scrape time', async () => {
    const m = setup();
    const web = storedApp({ id: '/shop/front/web' });
    m.apps.push(web, storedApp({ id: '/shop/db' }), storedApp({ id: '/solo' }));
    m.tasks.push(
      taskOf(web, 1),
      taskOf(web, 2),
      taskOf(web, 3, { state: 'TASK_STAGING' }),
      taskOf(web, 4, { state: 'TASK_KILLING', killRequestedAt: T0 }),
    );
    m.advance(10_000);
    const dw = await m.metrics.dropwizard();
    assert.deepEqual(dw.gauges['marathon.apps.active.gauge'], { value: 3 });
    assert.deepEqual(dw.gauges['marathon.groups.active.gauge'], { value: 3 }, '/, /shop, /shop/front');
    assert.deepEqual(dw.gauges['marathon.instances.running.gauge'], { value: 2 });
    assert.deepEqual(dw.gauges['marathon.instances.staged.gauge'], { value: 1 });
    assert.deepEqual(dw.gauges['marathon.instances.doomed.gauge'], { value: 1 });
    assert.deepEqual(dw.gauges['marathon.tasks.task-killing.gauge'], { value: 1 });
    assert.deepEqual(dw.gauges['marathon.tasks.task-failed.gauge'], { value: 0 }, 'every state is present');
    assert.deepEqual(dw.gauges['marathon.uptime.gauge.seconds'], { value: 10 });
    assert.deepEqual(dw.gauges['marathon.leadership.duration.gauge.seconds'], { value: 40 });

    const prom = await m.metrics.prometheus();
    assert.match(prom, /^drover_apps 3$/m);
    assert.match(prom, /^drover_tasks\{state="TASK_RUNNING"\} 2$/m);
    assert.match(prom, /^drover_tasks\{state="TASK_STAGING"\} 1$/m);
  });

  it('counts from the event bus: status updates, health results, deployments, stream clients', async () => {
    const m = setup();
    const e = m.events;
    const su = (taskStatus: string) =>
      e.emit('status_update_event', {
        slaveId: 'a',
        taskId: 't',
        taskStatus,
        message: '',
        appId: '/a',
        host: 'h',
        ipAddresses: [],
        ports: [],
        version: 'v',
      });
    su('TASK_RUNNING');
    su('TASK_RUNNING');
    su('TASK_FAILED');
    e.emit('health_status_changed_event', { appId: '/a', instanceId: 'i', version: 'v', alive: true });
    e.emit('health_status_changed_event', { appId: '/a', instanceId: 'i', version: 'v', alive: false });
    e.emit('instance_health_changed_event', {
      instanceId: 'i',
      runSpecId: '/a',
      runSpecVersion: 'v',
      healthy: false,
    });
    e.emit('failed_health_check_event', {
      appId: '/a',
      instanceId: 'i',
      healthCheck: { protocol: 'HTTP' } as never,
    });
    e.emit('unhealthy_instance_kill_event', {
      appId: '/a',
      taskId: 't',
      instanceId: 'i',
      version: 'v',
      reason: '500',
      host: 'h',
      slaveId: null,
    });
    e.emit('deployment_info', { plan: plan('d1'), currentStep: step });
    e.emit('deployment_info', { plan: plan('d1'), currentStep: step });
    e.emit('deployment_info', { plan: plan('d2'), currentStep: step });
    e.emit('deployment_success', { id: 'd1', plan: plan('d1') });
    m.running.push({ id: 'd2' });
    e.emit('event_stream_attached', { remoteAddress: 'x' });
    e.emit('event_stream_attached', { remoteAddress: 'y' });
    e.emit('event_stream_detached', { remoteAddress: 'x' });

    const dw = await m.metrics.dropwizard();
    assert.deepEqual(dw.counters['marathon.mesos.task-updates.task-running.counter'], { count: 2 });
    assert.deepEqual(dw.counters['marathon.mesos.task-updates.task-failed.counter'], { count: 1 });
    assert.deepEqual(dw.counters['marathon.health-checks.healthy.counter'], { count: 1 });
    assert.deepEqual(dw.counters['marathon.health-checks.unhealthy.counter'], { count: 1 });
    assert.deepEqual(dw.counters['marathon.health-checks.failed.counter'], { count: 1 });
    assert.deepEqual(dw.counters['marathon.health-checks.killed.counter'], { count: 1 });
    assert.deepEqual(dw.counters['marathon.deployments.counter'], { count: 2 });
    assert.deepEqual(dw.gauges['marathon.deployments.active.gauge'], { value: 1 });
    assert.deepEqual(dw.gauges['marathon.http.event-streams.active.gauge'], { value: 1 });
    assert.deepEqual(dw.counters['marathon.events.deployment_info.counter'], { count: 3 });

    const prom = await m.metrics.prometheus();
    assert.match(prom, /^drover_health_check_results_total\{result="unhealthy"\} 1$/m);
    assert.match(prom, /^drover_deployments_active 1$/m);
    assert.match(prom, /^drover_event_stream_clients 1$/m);
  });

  it('renders HTTP responses as meters by class, counters by code and timers by method', async () => {
    const m = setup();
    m.metrics.httpRequestStarted();
    m.metrics.httpRequestStarted();
    m.metrics.httpRequestStarted();
    m.metrics.httpRequestFinished('GET', 200, 0.01);
    m.metrics.httpRequestFinished('POST', 422, 0.02);
    m.metrics.httpRequestFinished('GET', 200, 3600, true);
    const dw = await m.metrics.dropwizard();
    assert.equal(dw.meters['marathon.http.responses.2xx.rate.meter']?.count, 2);
    assert.equal(dw.meters['marathon.http.responses.4xx.rate.meter']?.count, 1);
    assert.equal(dw.meters['marathon.http.responses.5xx.rate.meter']?.count, 0);
    assert.equal(
      dw.timers['marathon.http.requests.duration.timer.seconds']?.count,
      2,
      'streams are not timed',
    );
    assert.equal(dw.timers['marathon.http.requests.get.duration.timer.seconds']?.max, 0.01);
    assert.deepEqual(dw.gauges['marathon.http.requests.active.gauge'], { value: 0 });
    const prom = await m.metrics.prometheus();
    assert.match(prom, /^drover_http_responses_total\{status_code="200"\} 2$/m);
    assert.match(prom, /^drover_http_responses_total\{status_code="422"\} 1$/m);
    assert.match(prom, /^drover_http_request_duration_seconds_count\{method="GET"\} 1$/m);
  });

  it('keeps each instance to its own registry and stops counting once closed', async () => {
    const a = setup();
    const b = setup();
    a.events.emit('app_terminated_event', { appId: '/x' });
    const bText = await b.metrics.prometheus();
    assert.doesNotMatch(bText, /app_terminated_event/);
    a.metrics.close();
    a.events.emit('app_terminated_event', { appId: '/x' });
    assert.match(
      await a.metrics.prometheus(),
      /^drover_events_total\{event_type="app_terminated_event"\} 1$/m,
    );
  });

  it("reads the master's running deployments and group tree, not the events", async () => {
    const m = setup();
    m.running.push({ id: 'd1' }, { id: 'd2' }, { id: 'd3' });
    m.groups.push({ id: '/empty', version: 'v' } as GroupRecord);
    m.apps.push(storedApp({ id: '/a/b/web' }));
    m.events.emit('deployment_info', { plan: plan('other'), currentStep: step });
    const dw = await m.metrics.dropwizard();
    assert.deepEqual(dw.gauges['marathon.deployments.active.gauge'], { value: 3 });
    assert.deepEqual(dw.counters['marathon.deployments.counter'], { count: 1 });
    assert.deepEqual(dw.gauges['marathon.groups.active.gauge'], { value: 4 }, '/, /empty, /a, /a/b');
  });

  it('has the Dropwizard top-level shape', async () => {
    const dw = await setup().metrics.dropwizard();
    assert.deepEqual(Object.keys(dw), ['version', 'gauges', 'counters', 'histograms', 'meters', 'timers']);
    assert.equal(dw.version, '4.0.0');
  });
});
