import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import { shellTask } from '../testing/task-spec.js';
import { type Behaviour, runExecutorContract } from './executor.contract.js';
import { FakeExecutor, type FakeProgram } from './fake-executor.js';

/** Real timers: the contract measures the kill grace in wall-clock time. */
const realTimers = {
  now: () => Date.now(),
  setTimer(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

const behaviours = new Map<string, Behaviour>();

function program(spec: TaskSpec, ctx: { env: Record<string, string> }): FakeProgram | undefined {
  const b = behaviours.get(spec.taskId);
  switch (b?.kind) {
    case 'env':
      writeFileSync(join(ctx.env.MESOS_SANDBOX!, 'marker'), '');
      return { stdout: b.names.map((n) => `${n}=${ctx.env[n] ?? ''}\n`).join(''), exitCode: 0 };
    case 'output':
      return { stdout: b.stdout, stderr: b.stderr, exitCode: b.exitCode };
    case 'serve':
      return {
        serve: b.body,
        exec: (command) => {
          // A tiny stand-in for `sh -c`: `echo X; exit N` and `echo X >&2; exit N`.
          const m = /^echo (\S+)( >&2)?; exit (\d+)$/.exec(command);
          if (!m) return { exitCode: 127, stdout: '', stderr: 'fake: unknown command\n', timedOut: false };
          const line = `${m[1]}\n`;
          return {
            exitCode: Number(m[3]),
            stdout: m[2] ? '' : line,
            stderr: m[2] ? line : '',
            timedOut: false,
          };
        },
      };
    case 'stubborn':
      return { stdout: 'ready\n', ignoreTerm: true };
    default:
      return undefined;
  }
}

const executor = new FakeExecutor(realTimers, { program, reattach: true });

runExecutorContract({
  name: 'fake',
  host: '127.0.0.1',
  executor,
  restarted: () => executor.restarted(),
  spec(taskId, behaviour, { env, ports }) {
    behaviours.set(taskId, behaviour);
    return shellTask(taskId, 'fake', { env, ports });
  },
});
