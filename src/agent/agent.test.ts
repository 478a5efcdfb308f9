import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { AgentToMaster, Route, RouteTable, TaskSpec } from '../domain/agent-protocol.js';
import { sequentialIds } from '../platform/ids.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { Agent, type AgentExecutors, type RouteSink } from './agent.js';
import type { Executor, RunningTask, TaskExit } from './executors/executor.js';
import { createProcessExecutor } from './executors/process-executor.js';
import { FakeMaster } from './testing/fake-master.js';
import { isLive } from './testing/proc.js';
import { shellTask } from './testing/task-spec.js';
import { tempDir } from './testing/temp-dir.js';
import { waitFor, within } from './testing/wait-for.js';

type LogData = Extract<AgentToMaster, { type: 'logData' }>;

let root: { path: string; remove: () => Promise<void> };
const agents: Agent[] = [];
let n = 0;

before(async () => {
  root = await tempDir();
});
afterEach(async () => {
  // Whatever a test did, leave no task process running.
  await Promise.all(agents.splice(0).map((a) => a.stop({ killTasks: true })));
});
after(() => root.remove());

function newAgent(opts: { executors?: AgentExecutors; clock?: FakeClock; router?: RouteSink } = {}): Agent {
  const agent = new Agent({
    hostname: 'host-a',
    address: '127.0.0.1',
    resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31099]] },
    attributes: { rack: 'r1' },
    workDir: join(root.path, `agent${++n}`),
    executors: opts.executors ?? { process: createProcessExecutor() },
    clock: opts.clock ?? new FakeClock(),
    ids: sequentialIds(),
    logger: silentLogger(),
    heartbeatIntervalMs: 1_000,
    ...(opts.router ? { router: opts.router } : {}),
  });
  agents.push(agent);
  return agent;
}

async function registered(
  agent: Agent,
  opts: { autoAck?: boolean } = { autoAck: true },
): Promise<FakeMaster> {
  const master = FakeMaster.connect(agent, opts);
  await master.accept(agent, 'agent-1');
  return master;
}

async function readPid(path: string): Promise<number> {
  return waitFor(async () => {
    const text = await readFile(path, 'utf8').catch(() => '');
    return text.endsWith('\n') ? Number(text.trim()) : undefined;
  }, `pid in ${path}`);
}

describe('agent', () => {
  test("applies routing patches onto the master's last table and acknowledges each version; a patch without its base is ignored", async () => {
    const applied: RouteTable[] = [];
    const agent = newAgent({ router: { apply: (t) => applied.push(t) } });
    const master = await registered(agent);
    const route: Route = {
      appId: '/web',
      servicePort: 10555,
      portIndex: 0,
      mode: 'tcp',
      vhosts: [],
      paths: [],
      backends: [{ taskId: 'web.1', host: 'h', port: 31000 }],
    };
    const acked = (version: number) =>
      master.until(
        (m): m is Extract<AgentToMaster, { type: 'routesApplied' }> =>
          m.type === 'routesApplied' && m.version === version,
        `routesApplied ${version}`,
      );
    const web2 = { taskId: 'web.2', host: 'h', port: 31001 };
    // Before any whole table: nothing to patch.
    master.send({
      type: 'routesPatch',
      from: 4,
      version: 5,
      patch: { removed: [], routes: [route], backends: [] },
    });
    master.send({ type: 'routes', table: { routes: [route] }, version: 5 });
    await acked(5);
    master.send({
      type: 'routesPatch',
      from: 5,
      version: 6,
      patch: {
        removed: [],
        routes: [],
        backends: [{ servicePort: 10555, added: [web2], removed: ['web.1'] }],
      },
    });
    await acked(6);
    // A patch from a version this agent does not hold, then one from the version it does.
    master.send({
      type: 'routesPatch',
      from: 8,
      version: 9,
      patch: { removed: [10555], routes: [], backends: [] },
    });
    master.send({
      type: 'routesPatch',
      from: 6,
      version: 7,
      patch: { removed: [], routes: [], backends: [] },
    });
    await acked(7);
    assert.equal(master.received.filter((m) => m.type === 'routesApplied').length, 3);
    assert.deepEqual(applied, [
      { routes: [route] },
      { routes: [{ ...route, backends: [web2] }] },
      { routes: [{ ...route, backends: [web2] }] },
    ]);
  });

  test('a router whose tables go live later (--router kernel): acknowledged only once settled, never when writing failed', async () => {
    const writes: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
    let pending: Promise<void> = Promise.resolve();
    const agent = newAgent({
      router: {
        apply: () => {
          pending = new Promise<void>((resolve, reject) => writes.push({ resolve, reject }));
          pending.catch(() => undefined);
        },
        settled: () => pending,
      },
    });
    const master = await registered(agent);
    const acks = () => master.received.flatMap((m) => (m.type === 'routesApplied' ? [m.version] : []));
    master.send({ type: 'routes', table: { routes: [] }, version: 1 });
    await waitFor(async () => writes.length === 1 || undefined, 'the table applied');
    // Turns pass; the write has not returned: no acknowledgement.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(acks(), []);
    writes[0]!.resolve();
    await master.until(
      (m): m is Extract<AgentToMaster, { type: 'routesApplied' }> => m.type === 'routesApplied',
      'routesApplied 1',
    );
    master.send({ type: 'routes', table: { routes: [] }, version: 2 });
    await waitFor(async () => writes.length === 2 || undefined, 'the second table applied');
    writes[1]!.reject(new Error('iptables-restore exited 1'));
    master.send({ type: 'routes', table: { routes: [] }, version: 3 });
    await waitFor(async () => writes.length === 3 || undefined, 'the third table applied');
    writes[2]!.resolve();
    await master.until(
      (m): m is Extract<AgentToMaster, { type: 'routesApplied' }> =>
        m.type === 'routesApplied' && m.version === 3,
      'routesApplied 3',
    );
    assert.deepEqual(acks(), [1, 3]);
  });

  test('registers with its resources and capabilities, then heartbeats on its clock', async () => {
    const clock = new FakeClock();
    const agent = newAgent({ clock });
    const master = FakeMaster.connect(agent);
    const reg = await master.accept(agent, 'agent-7');
    assert.deepEqual(reg, {
      type: 'register',
      protocolVersion: 1,
      hostname: 'host-a',
      address: '127.0.0.1',
      resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31099]] },
      attributes: { rack: 'r1' },
      capabilities: { docker: false, privileged: false, limits: false },
      runningTasks: [],
      routePatches: true,
      compressedFrames: true,
    });
    assert.equal(agent.id, 'agent-7');
    clock.advanceSync(1_000);
    clock.advanceSync(1_000);
    await master.until((m) => m.type === 'heartbeat', 'heartbeat');
    await waitFor(() => master.received.filter((m) => m.type === 'heartbeat').length === 2, 'two heartbeats');
    assert.deepEqual(master.received.at(-1), { type: 'heartbeat', agentId: 'agent-7' });
  });

  test('runs a task to TASK_FINISHED with its env and MESOS_SANDBOX; logs readable over the link', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    const spec = shellTask('web.1', 'echo "$GREETING from $MESOS_SANDBOX"; echo oops >&2', {
      env: { GREETING: 'hello', MESOS_SANDBOX: '/task-cannot-move-it' },
    });
    master.send({ type: 'launch', task: spec });
    const finished = await master.untilState('web.1', 'TASK_FINISHED');
    assert.deepEqual(master.states('web.1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(finished.message, 'Command exited with status 0');
    assert.equal(finished.exitCode, 0);
    assert.equal(finished.agentId, 'agent-1');
    assert.equal(finished.appId, '/test');

    const sandbox = join(root.path, `agent${n}`, 'sandboxes', 'web.1');
    master.send({ type: 'readLog', requestId: 'r1', taskId: 'web.1', stream: 'stdout' });
    const out = await master.until(
      (m): m is LogData => m.type === 'logData' && m.requestId === 'r1',
      'stdout',
    );
    assert.equal(out.data, `hello from ${sandbox}\n`);
    master.send({ type: 'readLog', requestId: 'r2', taskId: 'web.1', stream: 'stderr', tail: 1 });
    const err = await master.until(
      (m): m is LogData => m.type === 'logData' && m.requestId === 'r2',
      'stderr',
    );
    assert.equal(err.data, 'oops\n');
    master.send({ type: 'readLog', requestId: 'r3', taskId: '../../etc', stream: 'stdout' });
    const bad = await master.until(
      (m): m is LogData => m.type === 'logData' && m.requestId === 'r3',
      'bad id',
    );
    assert.match(bad.error ?? '', /Invalid task id/);
  });

  test('a non-zero exit is TASK_FAILED with the status Mesos reports', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    master.send({ type: 'launch', task: shellTask('bad.1', 'exit 3') });
    const failed = await master.untilState('bad.1', 'TASK_FAILED');
    assert.equal(failed.message, 'Command exited with status 3');
    assert.equal(failed.exitCode, 3);
  });

  test('a task that cannot be started is TASK_FAILED with the reason', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    const spec = shellTask('nobin.1', '', {
      command: { shell: false, argv: ['/nonexistent/drover-binary'] },
    });
    master.send({ type: 'launch', task: spec });
    const failed = await master.untilState('nobin.1', 'TASK_FAILED');
    assert.deepEqual(master.states('nobin.1'), ['TASK_STARTING', 'TASK_FAILED']);
    assert.equal(failed.reason, 'REASON_COMMAND_EXECUTOR_FAILED');
    assert.match(failed.message ?? '', /^Failed to launch task: .*ENOENT/);
  });

  test('an unsafe task id is TASK_ERROR and nothing runs', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    master.send({ type: 'launch', task: shellTask('../x', 'true') });
    const error = await master.untilState('../x', 'TASK_ERROR');
    assert.equal(error.reason, 'REASON_TASK_INVALID');
  });

  test('kill: TASK_KILLING, SIGTERM to the whole group, TASK_KILLED', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    master.send({ type: 'launch', task: shellTask('svc.1', 'sleep 1000 & echo $! > child.pid; wait') });
    await master.untilState('svc.1', 'TASK_RUNNING');
    const child = await readPid(join(root.path, `agent${n}`, 'sandboxes', 'svc.1', 'child.pid'));
    master.send({ type: 'kill', taskId: 'svc.1', gracePeriodMs: 30_000 });
    const killed = await master.untilState('svc.1', 'TASK_KILLED');
    assert.deepEqual(master.states('svc.1'), [
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_KILLING',
      'TASK_KILLED',
    ]);
    assert.equal(killed.message, 'Command terminated with signal Terminated');
    await waitFor(() => !isLive(child), 'the child to die with its group');
  });

  test('kill of an unknown task answers TASK_LOST so the master can clean up', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    master.send({ type: 'kill', taskId: 'ghost.1', gracePeriodMs: 1_000 });
    const lost = await master.untilState('ghost.1', 'TASK_LOST');
    assert.equal(lost.reason, 'REASON_TASK_UNKNOWN');
    assert.equal(lost.message, 'Unknown task');
  });

  test('a repeated launch does not start a second copy', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    const spec = shellTask('once.1', 'exec sleep 1000');
    master.send({ type: 'launch', task: spec });
    master.send({ type: 'launch', task: spec });
    await master.untilState('once.1', 'TASK_RUNNING');
    master.send({ type: 'kill', taskId: 'once.1', gracePeriodMs: 5_000 });
    await master.untilState('once.1', 'TASK_KILLED');
    assert.deepEqual(master.states('once.1'), [
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_KILLING',
      'TASK_KILLED',
    ]);
  });

  test('unacked updates are kept and re-sent in order after reconnecting; acks forget ended tasks', async () => {
    const agent = newAgent();
    const first = await registered(agent, { autoAck: false });
    const sandboxes = join(root.path, `agent${n}`, 'sandboxes');
    first.send({ type: 'launch', task: shellTask('a.1', 'echo $$ > pid; exec sleep 1000') });
    first.send({ type: 'launch', task: shellTask('b.1', 'exit 0') });
    first.send({ type: 'launch', task: shellTask('c.1', 'exec sleep 1000') });
    await first.untilState('a.1', 'TASK_RUNNING');
    await first.untilState('b.1', 'TASK_FINISHED');
    await first.untilState('c.1', 'TASK_RUNNING');
    const aStarting = first.updates('a.1')[0]!;
    first.send({ type: 'ack', updateId: aStarting.updateId });
    await waitFor(
      () => !agent.pendingUpdates().some((u) => u.updateId === aStarting.updateId),
      'ack applied',
    );

    // The link drops; a.1 dies while the agent has no master.
    first.link.close();
    await waitFor(() => !agent.isRegistered, 'agent to notice the drop');
    process.kill(await readPid(join(sandboxes, 'a.1', 'pid')), 'SIGKILL');
    await waitFor(
      () => agent.pendingUpdates().some((u) => u.taskId === 'a.1' && u.state === 'TASK_FAILED'),
      'a.1 end',
    );

    const second = FakeMaster.connect(agent, { autoAck: false });
    const reg = await second.until((m) => m.type === 'register', 'register');
    assert.equal(reg.agentId, 'agent-1', 'a reconnecting agent says who it is');
    // Tasks whose end no master acknowledged are reported in their end state: the master waits
    // for the re-sent update instead of taking them for gone.
    assert.deepEqual(reg.runningTasks, [
      { taskId: 'c.1', appId: '/test', state: 'TASK_RUNNING' },
      { taskId: 'b.1', appId: '/test', state: 'TASK_FINISHED' },
      { taskId: 'a.1', appId: '/test', state: 'TASK_FAILED' },
    ]);
    assert.equal(second.updates().length, 0, 'nothing is sent before the master accepts the agent');

    const expected = agent.pendingUpdates().map((u) => u.updateId);
    second.send({ type: 'registered', agentId: 'agent-1' });
    await waitFor(() => second.updates().length === expected.length, 're-sent updates');
    assert.deepEqual(
      second.updates().map((u) => u.updateId),
      expected,
      'every unacked update, oldest first',
    );
    assert.ok(!expected.includes(aStarting.updateId), 'an acked update is not re-sent');
    assert.deepEqual(second.states('a.1'), ['TASK_RUNNING', 'TASK_FAILED']);
    assert.deepEqual(second.states('b.1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(second.updates('a.1').at(-1)?.message, 'Command terminated with signal Killed');

    for (const u of second.updates()) second.send({ type: 'ack', updateId: u.updateId });
    await waitFor(() => agent.pendingUpdates().length === 0, 'all acked');
    // a.1's terminal update was acked, so the agent has forgotten it.
    second.send({ type: 'kill', taskId: 'a.1', gracePeriodMs: 1_000 });
    await second.untilState('a.1', 'TASK_LOST');
  });

  test('a kill for an ended but unacked task re-sends its updates instead of TASK_LOST', async () => {
    const agent = newAgent();
    const master = await registered(agent, { autoAck: false });
    master.send({ type: 'launch', task: shellTask('done.1', 'true') });
    await master.untilState('done.1', 'TASK_FINISHED');
    master.send({ type: 'kill', taskId: 'done.1', gracePeriodMs: 1_000 });
    await waitFor(() => master.states('done.1').length === 6, 're-sent updates');
    assert.deepEqual(master.states('done.1').slice(3), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  });

  test('a refused agent closes the link and does not heartbeat', async () => {
    const clock = new FakeClock();
    const agent = newAgent({ clock });
    const master = FakeMaster.connect(agent);
    await master.until((m) => m.type === 'register', 'register');
    master.send({ type: 'refused', reason: 'bad token' });
    await waitFor(() => master.closed, 'link closed');
    clock.advanceSync(10_000);
    assert.equal(agent.isRegistered, false);
    assert.equal(clock.pendingTimers(), 0, 'no heartbeat timer left');
  });

  test('stop({killTasks: true}) kills every task with its grace period and waits for them', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    const children: number[] = [];
    for (const id of ['s.1', 's.2']) {
      master.send({ type: 'launch', task: shellTask(id, 'sleep 1000 & echo $! > child.pid; wait') });
      await master.untilState(id, 'TASK_RUNNING');
      children.push(await readPid(join(root.path, `agent${n}`, 'sandboxes', id, 'child.pid')));
    }
    await agent.stop({ killTasks: true });
    for (const id of ['s.1', 's.2']) {
      await master.untilState(id, 'TASK_KILLED');
      assert.deepEqual(master.states(id).slice(-2), ['TASK_KILLING', 'TASK_KILLED']);
    }
    for (const child of children) await waitFor(() => !isLive(child), `child ${child} to die`);
    await waitFor(() => master.closed, 'link closed');
  });

  test('a kill that arrives while the task is launching wins: no TASK_RUNNING', async () => {
    const exit = deferred<TaskExit>();
    const { master, launch } = await launchingGated('slow.1');
    master.send({ type: 'kill', taskId: 'slow.1', gracePeriodMs: 2_000 });
    await master.untilState('slow.1', 'TASK_KILLING');
    let killedWith: number | undefined;
    launch.resolve({
      exited: exit.promise,
      kill: async (grace) => {
        killedWith = grace;
        exit.resolve({ exitCode: null, signal: 'SIGTERM' });
      },
      detach: () => {},
    });
    await master.untilState('slow.1', 'TASK_KILLED');
    assert.equal(killedWith, 2_000);
    assert.deepEqual(master.states('slow.1'), ['TASK_STARTING', 'TASK_KILLING', 'TASK_KILLED']);
  });

  test('stop({killTasks: false}) waits for a launch under way, then lets the started task go', async () => {
    let detached = false;
    const { agent, launch } = await launchingGated('slow.2');
    let stopped = false;
    const stopping = agent.stop({ killTasks: false }).then(() => {
      stopped = true;
    });
    // Whatever the agent had left to do without the launch is done after a few turns of the loop.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, 'stop resolved while a launch was still starting');
    launch.resolve({
      exited: new Promise<TaskExit>(() => {}),
      kill: async () => {},
      detach: () => {
        detached = true;
      },
    });
    await within(stopping, 'stop to resolve once the launch is done');
    assert.equal(detached, true, 'the task started during the stop was let go, not killed');
  });

  test('a MESOS container with an image runs on the docker executor; without one, as a process', async () => {
    const launched: string[] = [];
    const recording = (kind: string): Executor => ({
      kind,
      launch: async (spec) => {
        launched.push(`${kind}:${spec.taskId}`);
        const exit = deferred<TaskExit>();
        return {
          exited: exit.promise,
          kill: async () => exit.resolve({ exitCode: null, signal: 'SIGTERM' }),
          detach: () => {},
        };
      },
    });
    const agent = newAgent({
      executors: { process: recording('process'), docker: recording('docker') },
    });
    const master = await registered(agent);
    const image = { image: 'busybox', privileged: false, parameters: [], forcePullImage: false };
    master.send({
      type: 'launch',
      task: shellTask('ucr.1', 'true', { container: { type: 'MESOS', docker: image, volumes: [] } }),
    });
    master.send({
      type: 'launch',
      task: shellTask('plain.1', 'true', { container: { type: 'MESOS', volumes: [] } }),
    });
    await master.untilState('ucr.1', 'TASK_RUNNING');
    await master.untilState('plain.1', 'TASK_RUNNING');
    assert.deepEqual(launched.sort(), ['docker:ucr.1', 'process:plain.1']);
  });

  test('a DOCKER task on an agent without docker fails with the reason', async () => {
    const agent = newAgent();
    const master = await registered(agent);
    const spec: TaskSpec = shellTask('img.1', 'true', {
      container: {
        type: 'DOCKER',
        docker: { image: 'busybox', privileged: false, parameters: [], forcePullImage: false },
        volumes: [],
      },
    });
    master.send({ type: 'launch', task: spec });
    const failed = await master.untilState('img.1', 'TASK_FAILED');
    assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  });
});

/** An agent launching `taskId` on an executor whose launch hangs until `launch` is resolved. */
async function launchingGated(taskId: string) {
  const launch = deferred<RunningTask>();
  const launchCalled = deferred<void>();
  const gated: Executor = {
    kind: 'fake',
    launch: () => {
      launchCalled.resolve();
      return launch.promise;
    },
  };
  const agent = newAgent({ executors: { process: gated } });
  const master = await registered(agent);
  master.send({ type: 'launch', task: shellTask(taskId, 'true') });
  await within(launchCalled.promise, 'executor.launch to be called');
  return { agent, master, launch };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
