import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAgentToMaster, checkMasterToAgent, decodeFrame } from './agent-protocol-schema.js';

const register = {
  type: 'register',
  protocolVersion: 1,
  hostname: 'h',
  address: '10.0.0.1',
  resources: { cpus: 1, mem: 1, disk: 0, ports: [[1, 2]] },
  attributes: { rack: 'a' },
  capabilities: { docker: false },
  runningTasks: [{ taskId: 't', appId: '/a', state: 'TASK_RUNNING' }],
};

test('well-formed messages pass, with fields a newer peer may add', () => {
  assert.equal(checkAgentToMaster(register).ok, true);
  assert.equal(checkAgentToMaster({ ...register, futureField: 1 }).ok, true);
  assert.equal(checkAgentToMaster({ type: 'heartbeat', agentId: 'a' }).ok, true);
  // capabilities.privileged is optional (older agents do not send it) and a boolean when sent.
  const caps = (privileged: unknown) => ({ ...register, capabilities: { docker: true, privileged } });
  assert.equal(checkAgentToMaster(caps(true)).ok, true);
  assert.equal(checkAgentToMaster(caps('yes')).ok, false);
  assert.equal(checkMasterToAgent({ type: 'redirect', leader: '10.0.0.2:8080' }).ok, true);
  assert.equal(checkMasterToAgent({ type: 'ack', updateId: 'u' }).ok, true);
});

test('malformed messages are named by type and field', () => {
  const bad = checkAgentToMaster({ ...register, resources: { ...register.resources, cpus: 'many' } });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problem : '', /^register: \/resources\/cpus/);
  assert.match((checkAgentToMaster(null) as { problem: string }).problem, /not a JSON object/);
  assert.match(
    (checkAgentToMaster({ type: 'nope' }) as { problem: string }).problem,
    /unknown message type "nope"/,
  );
  assert.match(
    (checkAgentToMaster({ type: 'statusUpdate', agentId: 'a' }) as { problem: string }).problem,
    /^statusUpdate:/,
  );
  assert.equal(
    checkAgentToMaster({ ...register, runningTasks: [{ taskId: 't', appId: '/a', state: 'RUNNING' }] }).ok,
    false,
  );
  assert.equal(checkMasterToAgent({ type: 'launch', task: { taskId: 5 } }).ok, false);
});

test('a launch may name the user to run as; it must be a non-empty string', () => {
  const task = {
    taskId: 't1',
    appId: '/a',
    version: 'v',
    command: { shell: true, value: 'id -u' },
    env: {},
    ports: [],
    resources: { cpus: 0.1, mem: 32, disk: 0 },
    killGracePeriodMs: 3000,
    fetch: [],
    healthChecks: [],
    readinessChecks: [],
    portNames: [],
    labels: {},
  };
  assert.equal(checkMasterToAgent({ type: 'launch', task }).ok, true);
  assert.equal(checkMasterToAgent({ type: 'launch', task: { ...task, user: 'nobody' } }).ok, true);
  const bad = checkMasterToAgent({ type: 'launch', task: { ...task, user: 42 } });
  assert.match(!bad.ok ? bad.problem : '', /^launch: \/task\/user/);
  assert.equal(checkMasterToAgent({ type: 'launch', task: { ...task, user: '' } }).ok, false);
});

test('decodeFrame: a binary frame is refused unless an inflater is given, then decoded through it', () => {
  const heartbeat = { type: 'heartbeat', agentId: 'a1' };
  // The inflater is injected (domain/ imports no zlib); a reversed text stands in for compression.
  const reversed = Buffer.from(JSON.stringify(heartbeat).split('').reverse().join(''));
  const unreverse = (d: { toString(): string }) => d.toString().split('').reverse().join('');
  assert.deepEqual(decodeFrame(reversed, true, checkAgentToMaster), { ok: false, problem: 'binary frame' });
  assert.deepEqual(decodeFrame(reversed, true, checkAgentToMaster, unreverse), { ok: true, msg: heartbeat });
  // Text frames are JSON, whether or not binary ones are taken.
  assert.deepEqual(
    decodeFrame(Buffer.from(JSON.stringify(heartbeat)), false, checkAgentToMaster, unreverse),
    {
      ok: true,
      msg: heartbeat,
    },
  );
  const failing = () => {
    throw new Error('not deflate data');
  };
  assert.deepEqual(decodeFrame(reversed, true, checkAgentToMaster, failing), {
    ok: false,
    problem: 'binary frame is not compressed JSON within the size limit',
  });
  // Inflated text still has to be a valid message.
  assert.equal(decodeFrame(Buffer.from('{"type":"heartbeat"}'), true, checkAgentToMaster, String).ok, false);
});

test('register accepts compressedFrames as a boolean only', () => {
  assert.equal(checkAgentToMaster({ ...register, compressedFrames: true }).ok, true);
  assert.equal(checkAgentToMaster({ ...register, compressedFrames: 'yes' }).ok, false);
});
