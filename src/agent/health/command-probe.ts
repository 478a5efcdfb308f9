/**
 * A COMMAND health probe. Marathon runs the command where the task runs: inside its container for
 * a Docker task (the executor's exec, when its RunningTask offers one), else as `/bin/sh -c` in the
 * task's sandbox with the task's environment (the same inherited basics a process task gets, so
 * the agent's own secrets stay out). The command leads its own process group; on timeout, and
 * after it exits, the whole group is killed so no check leaves processes behind.
 */
import { spawn } from 'node:child_process';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import { processTaskEnv } from '../executors/host-env.js';
import { canExec } from '../executors/task-exec.js';
import { type ProbeAnswer, type ProbeContext, timeoutCause } from './prober.js';

export interface CommandProbeOptions {
  /** The agent's environment, source of PATH/HOME/... Default process.env. */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** Default /bin/sh. */
  shell?: string;
}

export async function commandProbe(
  command: string,
  ctx: ProbeContext,
  opts: CommandProbeOptions = {},
): Promise<ProbeAnswer> {
  if (ctx.running && canExec(ctx.running)) {
    try {
      const r = await ctx.running.exec(command, { timeoutMs: ctx.timeoutMs });
      if (r.timedOut) return { kind: 'error', cause: timeoutCause(ctx.timeoutMs) };
      if (r.exitCode === null) return { kind: 'error', cause: 'Command exit status unknown' };
      return { kind: 'command', exitCode: r.exitCode };
    } catch (err) {
      return { kind: 'error', cause: `Command could not be run in the task: ${(err as Error).message}` };
    }
  }
  return shellProbe(command, ctx, opts);
}

function shellProbe(command: string, ctx: ProbeContext, opts: CommandProbeOptions): Promise<ProbeAnswer> {
  return new Promise<ProbeAnswer>((resolve) => {
    let settled = false;
    const child = spawn(opts.shell ?? '/bin/sh', ['-c', command], {
      cwd: ctx.sandbox,
      env: processTaskEnv(opts.hostEnv ?? process.env, ctx.env),
      detached: true,
      stdio: 'ignore',
    });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const finish = (answer: ProbeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      resolve(answer);
    };
    const timer = setCappedTimeout(
      () => finish({ kind: 'error', cause: timeoutCause(ctx.timeoutMs) }),
      ctx.timeoutMs,
    );
    child.once('error', (err) =>
      finish({ kind: 'error', cause: `Command could not be started: ${err.message}` }),
    );
    child.once('exit', (code, signal) =>
      finish(
        code !== null
          ? { kind: 'command', exitCode: code }
          : { kind: 'error', cause: `Command terminated with signal ${signal ?? 'unknown'}` },
      ),
    );
  });
}
