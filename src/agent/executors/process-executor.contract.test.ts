import { shellTask } from '../testing/task-spec.js';
import { runExecutorContract } from './executor.contract.js';
import { createProcessExecutor, type ProcessExecutorOptions } from './process-executor.js';
import { directSpawner } from './spawner/direct-spawner.js';

/** Single quotes for sh: the text cannot break out. */
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

const SERVE = `require('node:http').createServer((q, s) => s.end(process.env.BODY)).listen(Number(process.env.PORT0), '127.0.0.1'); process.on('SIGTERM', () => process.exit(0));`;

// Both ways of forking: through the spawner helper (the default) and from the agent itself.
for (const [name, opts] of [
  ['process', {}],
  ['process, forks from the agent', { spawner: directSpawner }],
] as [string, ProcessExecutorOptions][]) {
  runExecutorContract({
    name,
    host: '127.0.0.1',
    executor: createProcessExecutor(opts),
    restarted: () => createProcessExecutor(opts),
    spec(taskId, b, { env, ports }) {
      const portEnv: Record<string, string> = ports.length > 0 ? { PORT0: String(ports[0]) } : {};
      switch (b.kind) {
        case 'env':
          return shellTask(
            taskId,
            `printf '%s\\n' ${b.names.map((n) => `"${n}=$${n}"`).join(' ')}; touch "$MESOS_SANDBOX/marker"`,
            { env, ports },
          );
        case 'output':
          return shellTask(
            taskId,
            `printf %s ${q(b.stdout)}; printf %s ${q(b.stderr)} >&2; exit ${b.exitCode}`,
            {
              env,
              ports,
            },
          );
        case 'serve':
          return shellTask(taskId, `exec ${q(process.execPath)} -e ${q(SERVE)}`, {
            env: { ...env, ...portEnv, BODY: b.body },
            ports,
          });
        case 'stubborn':
          return shellTask(taskId, `trap '' TERM; echo ready; while true; do sleep 0.2; done`, {
            env,
            ports,
          });
      }
    },
  });
}
