/**
 * The Executor contract: one suite every executor passes (fake, process, docker), so the agent
 * and the simulations can rely on the same behaviour whatever runs the task. Each adapter's
 * `*.contract.test.ts` supplies a harness that turns the suite's behaviours into task specs it can
 * run (a shell command, a container, a fake program).
 *
 * Covered: launch, env (the task's values and MESOS_SANDBOX pointing at the sandbox), ports
 * (an HTTP answer on the task's first host port), logs (stdout and stderr into their files),
 * exit codes, kill with grace (SIGTERM obeyed at once, SIGKILL after the grace otherwise),
 * repeated kills, a health-check-style probe (HTTP on the port; exec when offered) and re-adoption
 * by a new executor instance after the old one detached.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import { terminalStatus } from '../exit-status.js';
import { tempDir } from '../testing/temp-dir.js';
import { waitFor, within } from '../testing/wait-for.js';
import type { Executor, LaunchContext, RunningTask } from './executor.js';
import { canExec } from './task-exec.js';

/** What a contract task does; each harness maps it to something its executor runs. */
export type Behaviour =
  /** Prints `NAME=value` for each name on stdout, creates `$MESOS_SANDBOX/marker`, exits 0. */
  | { kind: 'env'; names: string[] }
  /** Prints both texts (no newline added) and exits with the code. */
  | { kind: 'output'; stdout: string; stderr: string; exitCode: number }
  /** Answers HTTP GET on the task's first host port with `body`; ends promptly on SIGTERM. */
  | { kind: 'serve'; body: string }
  /** Ignores SIGTERM (then prints `ready` on stdout); ends only by SIGKILL. */
  | { kind: 'stubborn' };

export interface ContractHarness {
  name: string;
  /** Where a task's host ports answer. */
  host: string;
  executor: Executor;
  /** A fresh executor of the same kind and config, as after an agent restart. */
  restarted(): Executor;
  /** A task spec (id, env, host ports already decided) doing `behaviour`. */
  spec(
    taskId: string,
    behaviour: Behaviour,
    opts: { env: Record<string, string>; ports: number[] },
  ): TaskSpec;
  /** Slack for slow starts (pulls, container creation). Default 30 s. */
  launchTimeoutMs?: number;
  /** Called after the suite, whatever happened. */
  cleanup?(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 2_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The body once the port answers; a fresh task needs a moment to start listening. */
function answer(host: string, port: number, what: string): Promise<string> {
  return waitFor(() => httpGet(host, port).catch(() => undefined), what, 30_000);
}

export function runExecutorContract(h: ContractHarness): void {
  const launchTimeout = h.launchTimeoutMs ?? 30_000;
  let root: { path: string; remove: () => Promise<void> };
  const started: RunningTask[] = [];
  let n = 0;

  before(async () => {
    root = await tempDir('drover-contract-');
  });
  after(async () => {
    // Leave nothing running, even after a failed assertion.
    await Promise.all(started.map((t) => t.kill(0).catch(() => undefined)));
    await h.cleanup?.();
    await root.remove();
  });

  async function launch(
    behaviour: Behaviour,
    opts: { env?: Record<string, string>; ports?: number[]; executor?: Executor } = {},
  ): Promise<{ task: RunningTask; spec: TaskSpec; ctx: LaunchContext }> {
    const taskId = `contract-${h.name}-${process.pid}-${++n}`;
    const sandbox = join(root.path, taskId);
    await mkdir(sandbox);
    const env = opts.env ?? {};
    const spec = h.spec(taskId, behaviour, { env, ports: opts.ports ?? [] });
    const ctx: LaunchContext = {
      sandbox,
      env: { ...spec.env, MESOS_SANDBOX: sandbox },
      logs: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') },
    };
    const task = await within((opts.executor ?? h.executor).launch(spec, ctx), 'launch', launchTimeout);
    started.push(task);
    return { task, spec, ctx };
  }

  describe(`executor contract: ${h.name}`, () => {
    test('the task gets its env, and MESOS_SANDBOX is its sandbox', async () => {
      const { task, ctx } = await launch(
        { kind: 'env', names: ['GREETING', 'MESOS_TASK_ID'] },
        { env: { GREETING: 'hello world', MESOS_TASK_ID: 'the-task' } },
      );
      assert.deepEqual(await within(task.exited, 'exit', launchTimeout), { exitCode: 0, signal: null });
      await waitFor(async () => (await logSoFar(ctx.logs.stdout)).includes('MESOS_TASK_ID'), 'output');
      const lines = (await readFile(ctx.logs.stdout, 'utf8')).split('\n');
      assert.ok(lines.includes('GREETING=hello world'), lines.join('|'));
      assert.ok(lines.includes('MESOS_TASK_ID=the-task'), lines.join('|'));
      assert.ok(existsSync(join(ctx.sandbox, 'marker')), 'the task wrote into $MESOS_SANDBOX');
    });

    test('stdout and stderr go to their log files', async () => {
      const { task, ctx } = await launch({
        kind: 'output',
        stdout: 'to out\n',
        stderr: 'to err\n',
        exitCode: 0,
      });
      await within(task.exited, 'exit', launchTimeout);
      await waitFor(async () => (await readFile(ctx.logs.stderr, 'utf8')) === 'to err\n', 'stderr file');
      assert.equal(await readFile(ctx.logs.stdout, 'utf8'), 'to out\n');
    });

    test('exit codes: 0 finishes, anything else fails with the Mesos wording', async () => {
      const ok = await launch({ kind: 'output', stdout: '', stderr: '', exitCode: 0 });
      const bad = await launch({ kind: 'output', stdout: '', stderr: '', exitCode: 3 });
      const okExit = await within(ok.task.exited, 'exit 0', launchTimeout);
      const badExit = await within(bad.task.exited, 'exit 3', launchTimeout);
      assert.deepEqual(okExit, { exitCode: 0, signal: null });
      assert.deepEqual(badExit, { exitCode: 3, signal: null });
      assert.equal(terminalStatus(okExit, false).state, 'TASK_FINISHED');
      assert.deepEqual(terminalStatus(badExit, false), {
        state: 'TASK_FAILED',
        message: 'Command exited with status 3',
        exitCode: 3,
      });
    });

    test('the task answers on its host port (the probe an HTTP health check makes)', async () => {
      const port = await freePort();
      const { task } = await launch({ kind: 'serve', body: 'contract-ok' }, { ports: [port] });
      assert.equal(await answer(h.host, port, 'HTTP answer'), 'contract-ok');
      await task.kill(5_000);
    });

    test('a COMMAND-style exec runs in the task when the executor offers exec', async (t) => {
      const port = await freePort();
      const { task } = await launch({ kind: 'serve', body: 'x' }, { ports: [port] });
      await answer(h.host, port, 'task up');
      if (!canExec(task)) {
        // Process tasks: a health checker runs COMMAND checks itself, beside the task.
        t.diagnostic(`${h.name}: no exec; COMMAND checks run on the agent`);
        await task.kill(5_000);
        return;
      }
      const good = await task.exec('echo healthy; exit 0', { timeoutMs: 10_000 });
      assert.equal(good.exitCode, 0);
      assert.equal(good.stdout, 'healthy\n');
      assert.equal(good.timedOut, false);
      const bad = await task.exec('echo sick >&2; exit 2', { timeoutMs: 10_000 });
      assert.equal(bad.exitCode, 2);
      assert.equal(bad.stderr, 'sick\n');
      await task.kill(5_000);
    });

    test('kill: a task obeying SIGTERM ends without waiting for the grace period', async () => {
      const port = await freePort();
      const { task } = await launch({ kind: 'serve', body: 'x' }, { ports: [port] });
      await answer(h.host, port, 'task up');
      const t0 = Date.now();
      await within(task.kill(20_000), 'kill', 30_000);
      assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
      const exit = await task.exited;
      assert.equal(terminalStatus(exit, true).state, 'TASK_KILLED');
    });

    test('kill: a task ignoring SIGTERM is killed once the grace period is over', async () => {
      const { task, ctx } = await launch({ kind: 'stubborn' });
      await waitFor(async () => (await logSoFar(ctx.logs.stdout)).includes('ready'), 'SIGTERM ignored');
      const t0 = Date.now();
      await within(task.kill(1_000), 'kill', 30_000);
      const took = Date.now() - t0;
      assert.ok(took >= 900, `ended after ${took} ms, before the 1000 ms grace`);
      await within(task.exited, 'exit', 5_000);
    });

    test('kill after the end and repeated kills are harmless', async () => {
      const { task } = await launch({ kind: 'output', stdout: '', stderr: '', exitCode: 0 });
      await within(task.exited, 'exit', launchTimeout);
      await task.kill(1_000);
      await Promise.all([task.kill(0), task.kill(0)]);
    });

    test('re-adopt: a new executor takes over a detached task; same handle, still serving, killable', async (t) => {
      const restarted = h.restarted();
      if (!h.executor.reattach || !restarted.reattach) {
        t.diagnostic(`${h.name}: executor does not re-attach`);
        assert.fail(`${h.name} must support reattach`);
      }
      const port = await freePort();
      const { task, spec, ctx } = await launch({ kind: 'serve', body: 'adopt-me' }, { ports: [port] });
      await answer(h.host, port, 'task up');
      assert.ok(task.handle, 'a handle to find the task again');
      task.detach();
      const adopted = await restarted.reattach({
        spec,
        sandbox: ctx.sandbox,
        logs: ctx.logs,
        handle: task.handle,
      });
      assert.ok(adopted, 're-attached');
      started.push(adopted);
      assert.deepEqual(adopted.handle, task.handle, 'same task (same container id / pid)');
      assert.equal(adopted.pid, task.pid);
      assert.equal(await answer(h.host, port, 'still serving'), 'adopt-me');
      await within(adopted.kill(10_000), 'kill adopted', 30_000);
      await within(adopted.exited, 'adopted exit', 10_000);
      await waitFor(async () => (await httpGet(h.host, port).catch(() => 'gone')) === 'gone', 'port closed');
    });

    test('re-adopt: a task that has ended is not adopted', async () => {
      const restarted = h.restarted();
      const { task, spec, ctx } = await launch({ kind: 'output', stdout: '', stderr: '', exitCode: 0 });
      await within(task.exited, 'exit', launchTimeout);
      const adopted = await restarted.reattach?.({
        spec,
        sandbox: ctx.sandbox,
        logs: ctx.logs,
        handle: task.handle,
      });
      assert.equal(adopted, undefined);
    });
  });
}

/** A log file's text so far; '' until an executor that copies logs asynchronously creates it. */
async function logSoFar(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
