import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { captureLog } from '../testing/log-capture.js';
import { EventBus } from './event-bus.js';
import { attachEventLog } from './event-log.js';
import type { DeploymentPlanJson } from './event-types.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
// pino's numeric levels.
const DEBUG = 20;
const INFO = 30;
const WARN = 40;

const step = { actions: [{ action: 'RestartApplication', app: '/web' }] };
const plan: DeploymentPlanJson = { id: 'dep-1', original: {}, target: {}, steps: [step], version: 'v2' };
const healthCheck = {
  protocol: 'HTTP' as const,
  path: '/health',
  portIndex: 0,
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  ignoreHttp1xx: false,
};

function setup() {
  const bus = new EventBus(() => T0);
  const log = captureLog();
  const detach = attachEventLog(bus, log.logger);
  /** The one line logged for the last event emitted. */
  const last = () => {
    const l = log.lines.at(-1);
    assert.ok(l, 'a line was logged');
    return l;
  };
  return { bus, log, detach, last };
}

describe('event log', () => {
  it('logs deployments at info with the deployment id and the step', () => {
    const s = setup();
    const e = s.bus.emit('deployment_info', { plan, currentStep: step });
    assert.deepEqual(s.last(), {
      level: INFO,
      time: s.last().time,
      component: 'events',
      eventType: 'deployment_info',
      eventId: e.id,
      deploymentId: 'dep-1',
      actions: ['RestartApplication /web'],
      msg: 'deployment step started',
    });
    for (const [type, msg] of [
      ['deployment_success', 'deployment succeeded'],
      ['deployment_failed', 'deployment failed'],
    ] as const) {
      s.bus.emit(type, { id: 'dep-1', plan });
      assert.equal(s.last().level, INFO, type);
      assert.equal(s.last().msg, msg);
      assert.equal(s.last().deploymentId, 'dep-1');
    }
    s.bus.emit('deployment_step_success', { plan, currentStep: step });
    assert.equal(s.last().level, INFO);
    s.bus.emit('deployment_step_failure', { plan, currentStep: step });
    assert.equal(s.last().level, INFO);
    assert.equal(s.last().msg, 'deployment step failed');
  });

  it('logs group changes and app removals at info', () => {
    const s = setup();
    s.bus.emit('group_change_success', { groupId: '/prod', version: 'v3' });
    assert.equal(s.last().level, INFO);
    assert.equal(s.last().groupId, '/prod');
    s.bus.emit('group_change_failed', { groupId: '/prod', version: 'v4', reason: 'conflict' });
    assert.equal(s.last().level, INFO);
    assert.equal(s.last().reason, 'conflict');
    s.bus.emit('app_terminated_event', { appId: '/web' });
    assert.equal(s.last().level, INFO);
    assert.equal(s.last().appId, '/web');
    assert.equal(s.last().msg, 'app removed');
  });

  it('logs health trouble at warn with app, task and instance ids', () => {
    const s = setup();
    s.bus.emit('failed_health_check_event', { appId: '/web', instanceId: 'web.1', healthCheck });
    assert.equal(s.last().level, WARN);
    assert.equal(s.last().appId, '/web');
    assert.equal(s.last().instanceId, 'web.1');
    assert.equal(s.last().protocol, 'HTTP');
    s.bus.emit('unhealthy_instance_kill_event', {
      appId: '/web',
      taskId: 'web.1',
      instanceId: 'web.1',
      version: 'v1',
      reason: 'HEALTH_CHECK_FAILED',
      host: 'host-a',
      slaveId: 'agent-1',
    });
    assert.equal(s.last().level, WARN);
    assert.equal(s.last().taskId, 'web.1');
    assert.equal(s.last().msg, 'killing unhealthy task');
  });

  it('logs per-task chatter at debug, and none of it at info', () => {
    const s = setup();
    s.bus.emit('status_update_event', {
      slaveId: 'agent-1',
      taskId: 'web.1',
      taskStatus: 'TASK_RUNNING',
      message: '',
      appId: '/web',
      host: 'host-a',
      ipAddresses: [],
      ports: [31000],
      version: 'v1',
    });
    assert.equal(s.last().level, DEBUG);
    assert.equal(s.last().taskId, 'web.1');
    assert.equal(s.last().taskStatus, 'TASK_RUNNING');
    assert.equal('message' in s.last(), false, 'an empty message is left out');
    s.bus.emit('instance_changed_event', {
      instanceId: 'web.1',
      condition: 'Running',
      runSpecId: '/web',
      agentId: 'agent-1',
      host: 'host-a',
      runSpecVersion: 'v1',
    });
    assert.equal(s.last().level, DEBUG);
    assert.equal(s.last().appId, '/web');
    s.bus.emit('health_status_changed_event', {
      appId: '/web',
      instanceId: 'web.1',
      version: 'v1',
      alive: true,
    });
    assert.equal(s.last().level, DEBUG);
    s.bus.emit('event_stream_attached', { remoteAddress: '127.0.0.1' });
    assert.equal(s.last().level, DEBUG);
    assert.equal(s.log.lines.length, 4, 'one line per event');

    // At info, the same events write nothing.
    const bus = new EventBus(() => T0);
    const lines: unknown[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    attachEventLog(bus, logger);
    bus.emit('health_status_changed_event', {
      appId: '/web',
      instanceId: 'web.1',
      version: 'v1',
      alive: false,
    });
    bus.emit('event_stream_detached', { remoteAddress: '127.0.0.1' });
    assert.equal(lines.length, 0);
    bus.emit('app_terminated_event', { appId: '/web' });
    assert.equal(lines.length, 1);
  });

  it('stops logging once detached', () => {
    const s = setup();
    s.bus.emit('app_terminated_event', { appId: '/a' });
    s.detach();
    s.bus.emit('app_terminated_event', { appId: '/b' });
    assert.equal(s.log.lines.length, 1);
    assert.equal(s.bus.subscriberCount, 0);
  });
});
