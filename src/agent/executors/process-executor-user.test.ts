/**
 * runAsUser / app user for process tasks, against real processes. Switching users needs root:
 * CI runs as root, and these tests fail (never skip) elsewhere, saying so.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { sequentialIds } from '../../platform/ids.js';
import { silentLogger } from '../../platform/logger.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { Agent } from '../agent.js';
import { FakeMaster } from '../testing/fake-master.js';
import { isLive } from '../testing/proc.js';
import { shellTask } from '../testing/task-spec.js';
import { tempDir } from '../testing/temp-dir.js';
import { waitFor, within } from '../testing/wait-for.js';
import type { LaunchContext, RunningTask } from './executor.js';
import { createProcessExecutor, type ProcessExecutorOptions } from './process-executor.js';

const NOBODY = 65534;
let root: { path: string; remove: () => Promise<void> };
const started: RunningTask[] = [];
const agents: Agent[] = [];
let n = 0;

function requireRoot(): void {
  assert.equal(
    process.getuid?.(),
    0,
    'this test needs root: only root can run tasks as another user (CI runs as root; run it there or with sudo)',
  );
}

before(async () => {
  root = await tempDir('drover-user-');
  // mkdtemp makes it 0700: nobody could not even reach its sandbox below it.
  await chmod(root.path, 0o755);
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop({ killTasks: true })));
});
after(async () => {
  await Promise.all(started.map((t) => t.kill(0)));
  await root.remove();
});

async function context(): Promise<LaunchContext> {
  const sandbox = join(root.path, `t${++n}`);
  await mkdir(sandbox);
  return {
    sandbox,
    env: { MESOS_SANDBOX: sandbox },
    logs: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') },
  };
}

async function runAs(user: string | undefined, cmd: string, opts: ProcessExecutorOptions = {}) {
  const executor = createProcessExecutor({ agentName: 'test-agent', ...opts });
  const ctx = await context();
  const task = await executor.launch(shellTask(`u${n}`, cmd, user === undefined ? {} : { user }), ctx);
  started.push(task);
  return { task, ctx, executor };
}

describe('process executor: the user a task runs as', () => {
  test("a task with user 'nobody' runs as nobody, with its home, and can write into its sandbox", async () => {
    requireRoot();
    const { task, ctx } = await runAs(
      'nobody',
      'id -u; id -g; echo "$HOME $USER $LOGNAME"; echo written > "$MESOS_SANDBOX/out.txt"',
    );
    assert.deepEqual(await task.exited, { exitCode: 0, signal: null });
    assert.equal(
      await readFile(ctx.logs.stdout, 'utf8'),
      `${NOBODY}\n${NOBODY}\n/nonexistent nobody nobody\n`,
    );
    assert.equal(await readFile(ctx.logs.stderr, 'utf8'), '');
    assert.equal(await readFile(join(ctx.sandbox, 'out.txt'), 'utf8'), 'written\n');
    for (const f of [ctx.sandbox, ctx.logs.stdout, ctx.logs.stderr, join(ctx.sandbox, 'out.txt')]) {
      assert.equal((await stat(f)).uid, NOBODY, `${f} belongs to nobody`);
    }
  });

  test('a numeric uid is looked up like a name', async () => {
    requireRoot();
    const { task, ctx } = await runAs(String(NOBODY), 'id -un');
    assert.deepEqual(await task.exited, { exitCode: 0, signal: null });
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), 'nobody\n');
  });

  test('an unknown user fails the launch with a clear message and starts nothing', async () => {
    requireRoot();
    const executor = createProcessExecutor({ agentName: 'test-agent' });
    const ctx = await context();
    const spec = shellTask('unknown', 'touch ran', { user: 'no-such-user-drover' });
    await assert.rejects(executor.launch(spec, ctx), {
      message: "user 'no-such-user-drover' does not exist on agent test-agent",
    });
    await assert.rejects(stat(join(ctx.sandbox, 'ran')), /ENOENT/);
  });

  test('root asking for root (Chronos default) runs as root with no note', async () => {
    requireRoot();
    const { task, ctx } = await runAs('root', 'id -u');
    await task.exited;
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), '0\n');
    assert.equal(await readFile(ctx.logs.stderr, 'utf8'), '');
  });

  test('switchUser false: the task runs as the agent user, and stderr says the user was ignored', async () => {
    requireRoot();
    const { task, ctx } = await runAs('nobody', 'id -u', { switchUser: false });
    await task.exited;
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), '0\n');
    assert.equal(
      await readFile(ctx.logs.stderr, 'utf8'),
      "drover: runAsUser 'nobody' ignored: this agent does not switch users " +
        "(--no-switch-user, or not running as root); running as 'root'\n",
    );
    assert.equal((await stat(ctx.sandbox)).uid, 0, 'the sandbox is not handed to anyone');
  });

  test('switchUser false: no note when the task asks for the agent user itself, by name or uid', async () => {
    for (const self of [userInfo().username, String(process.getuid?.())]) {
      const { task, ctx } = await runAs(self, 'true', { switchUser: false });
      await task.exited;
      assert.equal(await readFile(ctx.logs.stderr, 'utf8'), '', `no note for ${self}`);
    }
  });

  test('a command closed to the user fails the launch, naming the user', async () => {
    requireRoot();
    const closed = join(root.path, 'closed');
    await mkdir(closed, { mode: 0o700 });
    const script = join(closed, 'task.sh');
    await writeFile(script, '#!/bin/sh\ntrue\n', { mode: 0o755 });
    const executor = createProcessExecutor();
    const spec = shellTask('closed', '', { user: 'nobody', command: { shell: false, argv: [script] } });
    await assert.rejects(executor.launch(spec, await context()), /EACCES \(running as user 'nobody'/);
  });

  test('the agent never opens a log through a link a task left in its sandbox', async () => {
    const target = join(root.path, `precious-${n}`);
    await writeFile(target, 'precious\n');
    const ctx = await context();
    await symlink(target, ctx.logs.stderr);
    const executor = createProcessExecutor();
    await assert.rejects(executor.launch(shellTask('link', 'echo owned >&2'), ctx), /ELOOP/);
    assert.equal(await readFile(target, 'utf8'), 'precious\n');
  });
});

describe('agent: runAsUser through launch, failure and re-adoption', () => {
  function newAgent(workDir: string): Agent {
    const agent = new Agent({
      hostname: 'host-a',
      address: '127.0.0.1',
      resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31099]] },
      attributes: {},
      workDir,
      executors: { process: createProcessExecutor({ agentName: 'host-a', reattachedPollMs: 20 }) },
      clock: new FakeClock(),
      ids: sequentialIds(),
      logger: silentLogger(),
      heartbeatIntervalMs: 1_000,
      agentId: 'agent-1',
    });
    agents.push(agent);
    return agent;
  }
  async function registered(agent: Agent): Promise<FakeMaster> {
    const master = FakeMaster.connect(agent, { autoAck: true });
    await master.accept(agent, 'agent-1');
    return master;
  }

  test('an unknown user is TASK_FAILED with the message, and the agent carries on', async () => {
    requireRoot();
    const agent = newAgent(join(root.path, `agent${++n}`));
    const master = await registered(agent);
    master.send({ type: 'launch', task: shellTask('bad.1', 'true', { user: 'no-such-user-drover' }) });
    const failed = await master.untilState('bad.1', 'TASK_FAILED');
    assert.equal(
      failed.message,
      "Failed to launch task: user 'no-such-user-drover' does not exist on agent host-a",
    );
    master.send({ type: 'launch', task: shellTask('good.1', 'true', { user: 'nobody' }) });
    await master.untilState('good.1', 'TASK_FINISHED');
  });

  test('a task run as nobody is re-adopted by a restarted agent and killed by it', async () => {
    requireRoot();
    const workDir = join(root.path, `agent${++n}`);
    const first = newAgent(workDir);
    const m1 = await registered(first);
    m1.send({ type: 'launch', task: shellTask('svc.1', 'id -u; exec sleep 1000', { user: 'nobody' }) });
    await m1.untilState('svc.1', 'TASK_RUNNING');
    // RUNNING is reported at spawn: on a busy machine the shell may not have run `id -u` yet, and
    // the kill below would then find nothing to compare. Wait for the line before going on.
    const stdout = join(workDir, 'sandboxes', 'svc.1', 'stdout');
    await waitFor(
      async () => (await readFile(stdout, 'utf8').catch(() => '')) !== '',
      'the task to print its uid',
    );
    await first.stop({ killTasks: false });
    const cp = join(workDir, 'sandboxes', 'svc.1', '.drover-task.json');
    assert.equal((await stat(cp)).uid, 0, 'the checkpoint stays the agent’s');
    const pid = JSON.parse(await readFile(cp, 'utf8')).handle.pid as number;
    assert.ok(isLive(pid));

    const second = newAgent(workDir);
    const m2 = await registered(second);
    assert.deepEqual((await second.recover()).adopted, ['svc.1']);
    m2.send({ type: 'kill', taskId: 'svc.1', gracePeriodMs: 5_000 });
    await within(m2.untilState('svc.1', 'TASK_KILLED'), 'the re-adopted task to be killed');
    await waitFor(() => !isLive(pid), 'the task process to die');
    assert.equal(await readFile(stdout, 'utf8'), `${NOBODY}\n`);
  });
});
