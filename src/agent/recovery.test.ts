import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { AgentToMaster } from '../domain/agent-protocol.js';
import { sequentialIds } from '../platform/ids.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { Agent, type AgentExecutors } from './agent.js';
import { CHECKPOINT_FILE, TaskCheckpoints } from './checkpoint.js';
import { FakeExecutor } from './executors/fake-executor.js';
import { readBootId, readProcStat } from './executors/proc-stat.js';
import { createProcessExecutor } from './executors/process-executor.js';
import { UNKNOWN_EXIT_MESSAGE } from './exit-status.js';
import { GONE_MESSAGE } from './recovery.js';
import { Sandboxes } from './sandbox.js';
import { FakeMaster } from './testing/fake-master.js';
import { startOrphan } from './testing/orphan.js';
import { isLive } from './testing/proc.js';
import { shellTask } from './testing/task-spec.js';
import { tempDir } from './testing/temp-dir.js';
import { waitFor } from './testing/wait-for.js';

type LogData = Extract<AgentToMaster, { type: 'logData' }>;

let root: { path: string; remove: () => Promise<void> };
const agents: Agent[] = [];
const orphans: number[] = [];
let n = 0;

before(async () => {
  root = await tempDir('drover-recovery-');
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop({ killTasks: true })));
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});
after(() => root.remove());

function newWorkDir(): string {
  return join(root.path, `agent${++n}`);
}

function newAgent(workDir: string, executors?: AgentExecutors): Agent {
  const agent = new Agent({
    hostname: 'host-a',
    address: '127.0.0.1',
    resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31099]] },
    attributes: {},
    workDir,
    executors: executors ?? { process: createProcessExecutor({ reattachedPollMs: 20 }) },
    clock: new FakeClock(),
    ids: sequentialIds(),
    logger: silentLogger(),
    heartbeatIntervalMs: 1_000,
    agentId: 'agent-1',
  });
  agents.push(agent);
  return agent;
}

async function registered(agent: Agent): Promise<{ master: FakeMaster; runningTasks: string[] }> {
  const master = FakeMaster.connect(agent, { autoAck: true });
  const reg = await master.accept(agent, 'agent-1');
  return { master, runningTasks: reg.runningTasks.map((t) => `${t.taskId} ${t.appId} ${t.state}`) };
}

async function readPid(path: string): Promise<number> {
  return waitFor(async () => {
    const text = await readFile(path, 'utf8').catch(() => '');
    return text.endsWith('\n') ? Number(text.trim()) : undefined;
  }, `pid in ${path}`);
}

/** An agent runs `cmd` as task `taskId` and is then dropped, leaving the task running. */
async function leaveRunning(workDir: string, taskId: string, cmd: string): Promise<number> {
  const first = newAgent(workDir);
  const { master } = await registered(first);
  master.send({ type: 'launch', task: shellTask(taskId, cmd) });
  await master.untilState(taskId, 'TASK_RUNNING');
  await first.stop({ killTasks: false });
  const cp = JSON.parse(await readFile(join(workDir, 'sandboxes', taskId, CHECKPOINT_FILE), 'utf8'));
  return cp.handle.pid as number;
}

describe('agent recovery', () => {
  test('a new agent on the same work dir reports the running task; a master kill stops it', async () => {
    const workDir = newWorkDir();
    const sandbox = join(workDir, 'sandboxes', 'svc.1');
    const pid = await leaveRunning(workDir, 'svc.1', 'sleep 1000 & echo $! > child.pid; wait');
    const child = await readPid(join(sandbox, 'child.pid'));
    assert.ok(isLive(pid) && isLive(child), 'the task outlives its agent');

    const second = newAgent(workDir);
    const { master, runningTasks } = await registered(second);
    assert.deepEqual(runningTasks, ['svc.1 /test TASK_RUNNING']);
    assert.deepEqual(await second.recover(), { adopted: ['svc.1'], gone: [], failed: [] });

    master.send({ type: 'kill', taskId: 'svc.1', gracePeriodMs: 30_000 });
    const killed = await master.untilState('svc.1', 'TASK_KILLED');
    assert.deepEqual(master.states('svc.1'), ['TASK_KILLING', 'TASK_KILLED']);
    assert.equal(killed.message, UNKNOWN_EXIT_MESSAGE);
    await waitFor(() => !isLive(pid) && !isLive(child), 'the task and its child to die');

    // Its end is checkpointed: a third agent does not take it for a live task.
    await second.stop({ killTasks: false });
    const third = newAgent(workDir);
    assert.deepEqual((await registered(third)).runningTasks, []);
    assert.deepEqual(await third.recover(), { adopted: [], gone: [], failed: [] });
  });

  test('a re-adopted task that exits on its own is TASK_FAILED, status unknown; its logs stay readable', async () => {
    const workDir = newWorkDir();
    const sandbox = join(workDir, 'sandboxes', 'loop.1');
    await leaveRunning(
      workDir,
      'loop.1',
      'echo before; while [ ! -e stop ]; do sleep 0.02; done; echo after',
    );

    const second = newAgent(workDir);
    const { master, runningTasks } = await registered(second);
    assert.deepEqual(runningTasks, ['loop.1 /test TASK_RUNNING']);
    await writeFile(join(sandbox, 'stop'), '');
    const failed = await master.untilState('loop.1', 'TASK_FAILED');
    assert.equal(failed.message, UNKNOWN_EXIT_MESSAGE);
    assert.equal(failed.exitCode, undefined);

    master.send({ type: 'readLog', requestId: 'r1', taskId: 'loop.1', stream: 'stdout' });
    const out = await master.until((m): m is LogData => m.type === 'logData' && m.requestId === 'r1', 'log');
    assert.equal(out.data, 'before\nafter\n');
  });

  test('a re-adopted task the master does not know is killed when it says so, SIGKILL past the grace', async () => {
    const workDir = newWorkDir();
    const pid = await leaveRunning(
      workDir,
      'ghost.1',
      "trap '' TERM; touch ready; while :; do sleep 0.02; done",
    );
    await waitFor(() => existsSync(join(workDir, 'sandboxes', 'ghost.1', 'ready')), 'TERM trap');

    const second = newAgent(workDir);
    const { master } = await registered(second);
    // What the master answers to a reported task it has no record of.
    master.send({ type: 'kill', taskId: 'ghost.1', gracePeriodMs: 0 });
    await master.untilState('ghost.1', 'TASK_KILLED');
    await waitFor(() => !isLive(pid), 'the TERM-ignoring task to die');
  });

  test('stopping the new agent with killTasks stops re-adopted tasks too', async () => {
    const workDir = newWorkDir();
    const pid = await leaveRunning(workDir, 'keep.1', 'exec sleep 1000');
    const second = newAgent(workDir);
    const { master } = await registered(second);
    await second.stop({ killTasks: true });
    await master.untilState('keep.1', 'TASK_KILLED');
    assert.ok(!isLive(pid));
  });

  test('stale checkpoints: a dead or recycled pid is not reported, and a stranger is never touched', async () => {
    const workDir = newWorkDir();
    const sandboxes = new Sandboxes(workDir);
    const checkpoints = new TaskCheckpoints(sandboxes);
    const bootId = readBootId()!;

    const deadPid = startOrphan('exec sleep 1000');
    orphans.push(deadPid);
    const deadStart = readProcStat(deadPid)!.startTime;
    process.kill(deadPid, 'SIGKILL');
    await waitFor(() => !isLive(deadPid), 'process to die');

    const stranger = startOrphan('exec sleep 1000');
    orphans.push(stranger);
    const strangerStart = readProcStat(stranger)!.startTime;

    const put = async (taskId: string, pid: number, startTime: number) => {
      await sandboxes.create(taskId);
      await checkpoints.write({
        format: 1,
        taskId,
        appId: '/test',
        executor: 'process',
        spec: shellTask(taskId, 'sleep 1000'),
        handle: { pid, pgid: pid, startTime, bootId },
      });
    };
    await put('dead.1', deadPid, deadStart);
    await put('recycled.1', stranger, strangerStart - 1);

    const agent = newAgent(workDir);
    const { runningTasks } = await registered(agent);
    assert.deepEqual(runningTasks, []);
    assert.deepEqual(await agent.recover(), { adopted: [], gone: ['dead.1', 'recycled.1'], failed: [] });
    assert.ok(isLive(stranger), 'the process that took the pid is left alone');
    const { checkpoints: after } = await checkpoints.readAll();
    assert.deepEqual(
      after.map((c) => [c.taskId, c.ended]),
      [
        ['dead.1', { state: 'TASK_GONE', message: GONE_MESSAGE }],
        ['recycled.1', { state: 'TASK_GONE', message: GONE_MESSAGE }],
      ],
    );
  });

  test('a launch the old agent did not live to checkpoint leaves nothing running', async () => {
    const workDir = newWorkDir();
    const sandboxes = new Sandboxes(workDir);
    const sandbox = await sandboxes.create('cut.1');
    await new TaskCheckpoints(sandboxes).write({
      format: 1,
      taskId: 'cut.1',
      appId: '/test',
      executor: 'process',
      spec: shellTask('cut.1', 'sleep 1000'),
    });
    const pid = startOrphan('exec sleep 1000', { env: { MESOS_SANDBOX: sandbox } });
    orphans.push(pid);

    const agent = newAgent(workDir);
    const { runningTasks } = await registered(agent);
    assert.deepEqual(runningTasks, []);
    assert.deepEqual((await agent.recover()).gone, ['cut.1']);
    await waitFor(() => !isLive(pid), 'the unrecorded process to be killed');
  });

  test('an unreadable checkpoint is reported as failed and the agent still registers', async () => {
    const workDir = newWorkDir();
    const sandboxes = new Sandboxes(workDir);
    const dir = await sandboxes.create('bad.1');
    await writeFile(join(dir, CHECKPOINT_FILE), '{"format":');
    const agent = newAgent(workDir);
    const { runningTasks } = await registered(agent);
    assert.deepEqual(runningTasks, []);
    const report = await agent.recover();
    assert.deepEqual(
      report.failed.map((f) => f.taskId),
      ['bad.1'],
    );
  });

  test('tasks of an executor that cannot re-attach are not checkpointed', async () => {
    const workDir = newWorkDir();
    const fake = new FakeExecutor(new FakeClock());
    const agent = newAgent(workDir, { process: fake });
    const { master } = await registered(agent);
    master.send({ type: 'launch', task: shellTask('fake.1', 'true') });
    await master.untilState('fake.1', 'TASK_RUNNING');
    fake.exit('fake.1');
    await master.untilState('fake.1', 'TASK_FINISHED');
    await agent.stop({ killTasks: false });
    assert.ok(existsSync(join(workDir, 'sandboxes', 'fake.1')));
    assert.ok(!existsSync(join(workDir, 'sandboxes', 'fake.1', CHECKPOINT_FILE)));
  });
});
