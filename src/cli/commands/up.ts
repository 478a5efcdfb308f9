import { resolve } from 'node:path';
import { DEFAULT_KILL_DRAIN_MS, runUp } from '../../bin/up.js';
import { intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';

export const registerUp: RegisterCommand = (program, setExit) => {
  program
    .command('up')
    .description('run a master and agents in one process (state in SQLite under --data-dir)')
    .option('--port <port>', 'API port', intFlag(0, 65535), 8080)
    .option('--host <address>', 'API bind address', '127.0.0.1')
    .option('--data-dir <dir>', 'state and task sandboxes', './.drover')
    .option('--agents <n>', 'number of in-process agents', intFlag(1, 64), 2)
    .option('--demo', 'deploy the sample apps from examples/')
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info')
    .option(
      '--kill-drain-ms <ms>',
      'a killed task stays TASK_KILLING, still running, this long (at most its grace) before SIGTERM',
      intFlag(0, 3_600_000),
      DEFAULT_KILL_DRAIN_MS,
    )
    .option('--docker <mode>', 'auto: run DOCKER tasks when an engine answers; off: never', 'auto')
    .option('--docker-socket <path>', 'Docker engine socket (default $DOCKER_HOST or /var/run/docker.sock)')
    .option('--registry-auth <file>', 'JSON with private registry credentials (or a docker config.json)')
    .option('--allow-privileged', 'let apps run privileged containers')
    .action(async (opts) => {
      if (opts.docker !== 'auto' && opts.docker !== 'off') {
        console.error(`drover up: --docker must be auto or off, not ${opts.docker}`);
        setExit(2);
        return;
      }
      const code = await runUp({
        port: opts.port,
        host: opts.host,
        dataDir: resolve(opts.dataDir),
        agents: opts.agents,
        demo: Boolean(opts.demo),
        logLevel: opts.logLevel,
        killDrainMs: opts.killDrainMs,
        docker: opts.docker,
        ...(opts.dockerSocket !== undefined ? { dockerSocket: opts.dockerSocket } : {}),
        ...(opts.registryAuth !== undefined ? { registryAuthFile: resolve(opts.registryAuth) } : {}),
        allowPrivileged: Boolean(opts.allowPrivileged),
      });
      setExit(code);
    });
};
