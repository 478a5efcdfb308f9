import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { startOrphan } from '../testing/orphan.js';
import { isLive } from '../testing/proc.js';
import { shellTask } from '../testing/task-spec.js';
import { tempDir } from '../testing/temp-dir.js';
import { waitFor, within } from '../testing/wait-for.js';
import type { Executor, LaunchContext, RunningTask, TaskExit } from './executor.js';
import { readBootId, readProcStat } from './proc-stat.js';
import { createProcessExecutor, type ProcessHandle } from './process-executor.js';

let root: { path: string; remove: () => Promise<void> };
const started: RunningTask[] = [];
let n = 0;

before(async () => {
  root = await tempDir();
});
after(async () => {
  // Never leave a process behind, even when an assertion failed mid-test.
  await Promise.all(started.map((t) => t.kill(0)));
  await root.remove();
});

async function context(env: Record<string, string> = {}): Promise<LaunchContext> {
  const sandbox = join(root.path, `t${++n}`);
  await mkdir(sandbox);
  return { sandbox, env, logs: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') } };
}

async function run(executor: Executor, spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask> {
  const task = await executor.launch(spec, ctx);
  started.push(task);
  return task;
}

async function readPid(path: string): Promise<number> {
  return waitFor(async () => {
    const text = await readFile(path, 'utf8').catch(() => '');
    return text.endsWith('\n') ? Number(text.trim()) : undefined;
  }, `pid in ${path}`);
}

/** Settled value of a promise, or 'pending', without waiting. */
async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('process executor', () => {
  const hostEnv = { PATH: process.env.PATH, HOME: '/root', LC_ALL: 'C', DROVER_AGENT_TOKEN: 'secret' };

  test('task env reaches the process, with only the basic host variables underneath', async () => {
    const executor = createProcessExecutor({ hostEnv });
    const ctx = await context({ FOO: 'bar baz', HOME: '/task-home' });
    const task = await run(executor, shellTask('env', 'env > env.txt'), ctx);
    assert.deepEqual(await task.exited, { exitCode: 0, signal: null });
    const lines = (await readFile(join(ctx.sandbox, 'env.txt'), 'utf8')).split('\n');
    assert.ok(lines.includes('FOO=bar baz'));
    assert.ok(lines.includes('HOME=/task-home'), 'the task env wins over inherited values');
    assert.ok(lines.includes('LC_ALL=C'), 'locale is inherited');
    assert.ok(lines.includes(`PATH=${process.env.PATH}`), 'PATH is inherited');
    assert.ok(!lines.some((l) => l.startsWith('DROVER_AGENT_TOKEN=')), 'agent secrets are not inherited');
  });

  test('runs in the sandbox and writes stdout and stderr to its files', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    const task = await run(executor, shellTask('logs', 'pwd; echo to-err >&2'), ctx);
    assert.equal(typeof task.pid, 'number');
    await task.exited;
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), `${ctx.sandbox}\n`);
    assert.equal(await readFile(ctx.logs.stderr, 'utf8'), 'to-err\n');
  });

  test('a fixed cwd (drover up) replaces the sandbox as working directory, not as log home', async () => {
    const executor = createProcessExecutor({ cwd: root.path });
    const ctx = await context({ MESOS_SANDBOX: 'set-by-agent' });
    const task = await run(executor, shellTask('cwd', 'pwd; echo $MESOS_SANDBOX'), ctx);
    await task.exited;
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), `${root.path}\nset-by-agent\n`);
  });

  test('exec form passes argv untouched by any shell', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    const spec = shellTask('argv', '', {
      command: { shell: false, argv: ['printf', '%s|', 'a b', '$HOME', '*'] },
    });
    const task = await run(executor, spec, ctx);
    assert.deepEqual(await task.exited, { exitCode: 0, signal: null });
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), 'a b|$HOME|*|');
  });

  test('appends to existing log files (a relaunch keeps earlier output)', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    await (await run(executor, shellTask('a1', 'echo one'), ctx)).exited;
    await (await run(executor, shellTask('a2', 'echo two'), ctx)).exited;
    assert.equal(await readFile(ctx.logs.stdout, 'utf8'), 'one\ntwo\n');
  });

  test('reports exit codes and signals', async () => {
    const executor = createProcessExecutor();
    const failed = await run(executor, shellTask('exit3', 'exit 3'), await context());
    assert.deepEqual(await failed.exited, { exitCode: 3, signal: null });
    const killed = await run(executor, shellTask('self-kill', 'kill -9 $$'), await context());
    assert.deepEqual(await killed.exited, { exitCode: null, signal: 'SIGKILL' });
  });

  test('a command that cannot be started rejects the launch', async () => {
    const executor = createProcessExecutor();
    const missing = shellTask('missing', '', {
      command: { shell: false, argv: ['/nonexistent/drover-test-binary'] },
    });
    await assert.rejects(executor.launch(missing, await context()), /ENOENT/);
    const empty = shellTask('empty', '', { command: { shell: false, argv: [] } });
    await assert.rejects(executor.launch(empty, await context()), /no command/);
  });

  test('kill sends SIGTERM to the whole process group', async () => {
    const clock = new FakeClock();
    const executor = createProcessExecutor({ timers: clock });
    const ctx = await context();
    const task = await run(executor, shellTask('group', 'sleep 1000 & echo $! > child.pid; wait'), ctx);
    const child = await readPid(join(ctx.sandbox, 'child.pid'));
    assert.ok(isLive(child));
    const killed = task.kill(60_000);
    // The grace period has not passed on the manual clock, so only SIGTERM can have done this.
    assert.deepEqual(await within(task.exited, 'leader exit'), { exitCode: null, signal: 'SIGTERM' });
    await waitFor(() => !isLive(child), 'the child sleep to die of SIGTERM');
    clock.advanceSync(60_000);
    await within(killed, 'kill to resolve');
  });

  test('kill escalates to SIGKILL for the group after the grace period', async () => {
    const clock = new FakeClock();
    const executor = createProcessExecutor({ timers: clock });
    const ctx = await context();
    // The leader traps TERM and keeps waiting; its child ignores TERM (SIG_IGN survives exec).
    const script = [
      "trap 'echo got-TERM' TERM",
      'sh -c \'trap "" TERM; echo $$ > child.pid; exec sleep 1000\' &',
      'while kill -0 $! 2>/dev/null; do wait; done',
    ].join('\n');
    const task = await run(executor, shellTask('stubborn', script), ctx);
    const child = await readPid(join(ctx.sandbox, 'child.pid'));
    const killed = task.kill(5_000);
    await waitFor(
      async () => (await readFile(ctx.logs.stdout, 'utf8')).includes('got-TERM'),
      'TERM trap to run',
    );
    assert.equal(await peek(task.exited), 'pending', 'the leader survives SIGTERM');
    assert.ok(isLive(child), 'the child survives SIGTERM');
    clock.advanceSync(5_000);
    await within(killed, 'kill to resolve');
    assert.deepEqual(await task.exited, { exitCode: null, signal: 'SIGKILL' });
    await waitFor(() => !isLive(child), 'the child to die of SIGKILL');
  });

  test('a task that ends on its own takes its leftover children with it', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    const task = await run(executor, shellTask('orphans', 'sleep 1000 & echo $! > child.pid'), ctx);
    const exit: TaskExit = await task.exited;
    assert.deepEqual(exit, { exitCode: 0, signal: null });
    const child = await readPid(join(ctx.sandbox, 'child.pid'));
    await waitFor(() => !isLive(child), 'the orphaned sleep to be killed');
  });

  test('kill after the task ended and repeated kills are harmless', async () => {
    const executor = createProcessExecutor();
    const task = await run(executor, shellTask('done', 'true'), await context());
    await task.exited;
    await task.kill(1_000);
    await task.kill(1_000);
  });
});

describe('process executor: re-attach after an agent restart', () => {
  const orphans: number[] = [];
  after(() => {
    for (const pid of orphans) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
  });

  /** A task process that is not our child, as after a restart; its handle as launch would give. */
  async function orphanTask(
    cmd: string,
    ctx: LaunchContext,
    opts: { inSandboxEnv?: boolean } = {},
  ): Promise<ProcessHandle> {
    const env: Record<string, string> = opts.inSandboxEnv === false ? {} : { MESOS_SANDBOX: ctx.sandbox };
    const pid = startOrphan(cmd, { env, cwd: ctx.sandbox });
    orphans.push(pid);
    await waitFor(() => readProcStat(pid)?.pgrp === pid, 'orphan to lead its own group');
    return { pid, pgid: pid, startTime: readProcStat(pid)!.startTime, bootId: readBootId()! };
  }

  /** Advances a manual clock until `p` settles (the executor polls /proc on it). */
  async function pump<T>(clock: FakeClock, p: Promise<T>, what: string): Promise<T> {
    let done = false;
    void p.then(() => {
      done = true;
    });
    await waitFor(() => {
      clock.advanceSync(50);
      return done;
    }, what);
    return p;
  }

  test('launch gives a handle that names the process by boot, pid and start time', async () => {
    const executor = createProcessExecutor();
    const task = await run(executor, shellTask('h', 'exec sleep 1000'), await context());
    assert.deepEqual(task.handle, {
      pid: task.pid,
      pgid: task.pid,
      startTime: readProcStat(task.pid!)!.startTime,
      bootId: readBootId(),
    });
    await task.kill(0);
  });

  test('re-attaches a live task it did not spawn; its end has no known status; leftovers die', async () => {
    const executor = createProcessExecutor({ reattachedPollMs: 20 });
    const ctx = await context();
    const handle = await orphanTask(
      'sleep 1000 & echo $! > child.pid; while [ ! -e stop ]; do sleep 0.02; done',
      ctx,
    );
    const child = await readPid(join(ctx.sandbox, 'child.pid'));
    const task = await executor.reattach!({ spec: shellTask('re', ''), ...ctx, handle });
    assert.ok(task, 're-attached');
    assert.equal(task.pid, handle.pid);
    assert.deepEqual(task.handle, handle);
    assert.equal(await peek(task.exited), 'pending');
    await writeFile(join(ctx.sandbox, 'stop'), '');
    assert.deepEqual(await within(task.exited, 'exit'), { exitCode: null, signal: null });
    await waitFor(() => !isLive(child), 'the leftover child to be killed with the group');
  });

  test('kill of a re-attached task: SIGTERM to the group, SIGKILL after the grace', async () => {
    const clock = new FakeClock();
    const executor = createProcessExecutor({ timers: clock });
    const ctx = await context();
    const handle = await orphanTask("trap '' TERM; touch ready; while :; do sleep 0.02; done", ctx);
    await waitFor(() => existsSync(join(ctx.sandbox, 'ready')), 'the TERM trap to be set');
    const task = await executor.reattach!({ spec: shellTask('stub', ''), ...ctx, handle });
    assert.ok(task);
    const killed = task.kill(5_000);
    clock.advanceSync(1_000);
    assert.ok(isLive(handle.pid), 'the leader survives SIGTERM within the grace');
    assert.equal(await peek(task.exited), 'pending');
    clock.advanceSync(4_000);
    await pump(clock, killed, 'kill to resolve');
    assert.deepEqual(await task.exited, { exitCode: null, signal: null });
    assert.ok(!isLive(handle.pid));
  });

  test('a SIGTERM-obeying re-attached task ends within the grace', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const executor = createProcessExecutor({ timers: clock });
    const ctx = await context();
    const handle = await orphanTask('exec sleep 1000', ctx);
    const task = await executor.reattach!({ spec: shellTask('obey', ''), ...ctx, handle });
    assert.ok(task);
    const killed = task.kill(60_000);
    await pump(clock, killed, 'kill to resolve');
    assert.ok(clock.now() - start < 60_000, 'ended before the grace period was over');
    assert.ok(!isLive(handle.pid));
  });

  test('a recycled pid, a handle from another boot or a dead process is not re-attached', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    const stranger = await orphanTask('exec sleep 1000', ctx, { inSandboxEnv: false });
    const spec = shellTask('stale', '');
    const recycled = { ...stranger, startTime: stranger.startTime - 1 };
    assert.equal(await executor.reattach!({ spec, ...ctx, handle: recycled }), undefined);
    const otherBoot = { ...stranger, bootId: '00000000-0000-0000-0000-000000000000' };
    assert.equal(await executor.reattach!({ spec, ...ctx, handle: otherBoot }), undefined);
    assert.equal(await executor.reattach!({ spec, ...ctx, handle: { pid: 'x' } }), undefined);
    assert.ok(isLive(stranger.pid), 'a process that is not the task is left alone');
    process.kill(stranger.pid, 'SIGKILL');
    await waitFor(() => !isLive(stranger.pid), 'stranger to die');
    assert.equal(await executor.reattach!({ spec, ...ctx, handle: stranger }), undefined);
  });

  test('what is left of a task it cannot re-attach is killed (launch cut short, dead leader)', async () => {
    const executor = createProcessExecutor();
    const ctx = await context();
    // The agent died before it could checkpoint the handle: only the sandbox says whose it is.
    const unrecorded = await orphanTask('exec sleep 1000', ctx);
    assert.equal(
      await executor.reattach!({ spec: shellTask('cut', ''), ...ctx, handle: undefined }),
      undefined,
    );
    await waitFor(() => !isLive(unrecorded.pid), 'the unrecorded process of the sandbox to be killed');

    const ctx2 = await context();
    const leader = await orphanTask('sleep 1000 & echo $! > child.pid; exec sleep 1000', ctx2);
    const child = await readPid(join(ctx2.sandbox, 'child.pid'));
    process.kill(leader.pid, 'SIGKILL');
    await waitFor(() => !isLive(leader.pid), 'leader to die');
    assert.ok(isLive(child));
    assert.equal(
      await executor.reattach!({ spec: shellTask('dead', ''), ...ctx2, handle: leader }),
      undefined,
    );
    await waitFor(() => !isLive(child), 'the leftover of a dead leader to be killed');
  });
});
