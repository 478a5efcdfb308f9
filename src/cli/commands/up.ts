import { resolve } from 'node:path';
import {
  DEFAULT_KILL_DRAIN_MS,
  DEFAULT_ROUTE_ACK_TIMEOUT_MS,
  KILL_DRAIN_LABEL,
} from '../../domain/kill-timing.js';
import { addApiAccessOptions, apiAccessFlags } from '../api-access-flags.js';
import { addDnsOption } from '../dns-flags.js';
import { addDockerOptions, dockerFlags } from '../docker-flags.js';
import { example } from '../example.js';
import { addLimitOptions, limitFlags } from '../limit-flags.js';
import { addLogFormatOption, logOutput } from '../log-format.js';
import { addNotifyOptions, notifyFlags } from '../notify-flags.js';
import { httpUrlFlag, intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';
import { addRouterOptions, routerFlags } from '../router-flags.js';
import { addSandboxOptions, sandboxFlags } from '../sandbox-flags.js';

// The composition root is loaded on use: cluster commands (`drover status`...) start without
// loading the master and agent code.
export const registerUp: RegisterCommand = (program, setExit) => {
  const up = program
    .command('up')
    .description('run a master and agents in one process (state in SQLite under --data-dir)')
    .option('--port <port>', 'API port', intFlag(0, 65535), 8080)
    .option('--host <address>', 'API bind address', '127.0.0.1')
    .option('--data-dir <dir>', 'state and task sandboxes', './.drover')
    .option('--agents <n>', 'number of in-process agents', intFlag(1, 64), 2)
    .option('--demo', 'deploy the sample apps from examples/')
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info')
    .option(
      '--job-webhook <url>',
      "http(s) URL every job's notifications are POSTed to (besides a job's own webhookUrl)",
      httpUrlFlag,
    )
    .option(
      '--route-ack-timeout-ms <ms>',
      'how long a kill waits at most for every router (agents, drover router) to take the routing ' +
        `table without the task (default ${DEFAULT_ROUTE_ACK_TIMEOUT_MS})`,
      intFlag(0, 600_000),
      DEFAULT_ROUTE_ACK_TIMEOUT_MS,
    )
    .option(
      '--kill-drain-ms <ms>',
      'how long a killed task stays TASK_KILLING, still serving, before SIGTERM, for apps without ' +
        `the ${KILL_DRAIN_LABEL} label (default ${DEFAULT_KILL_DRAIN_MS}; 0: SIGTERM at once, as Marathon)`,
      intFlag(0, 3_600_000),
      DEFAULT_KILL_DRAIN_MS,
    )
    .option(
      '--fetcher-cache-mb <mb>',
      "size of the agent's cache of fetched URIs (fetch entries with cache: true), least recently used evicted (default 2048, as Mesos)",
      intFlag(0, 1_048_576),
    );
  addRouterOptions(up, 8000);
  addLogFormatOption(up);
  addNotifyOptions(up);
  addDnsOption(up, { host: '127.0.0.1', port: 8053 });
  example(
    up,
    'drover up                       # API and UI on http://127.0.0.1:8080',
    'drover up --demo --port 9090 --data-dir /tmp/drover',
  );
  addApiAccessOptions(addLimitOptions(addSandboxOptions(addDockerOptions(up)))).action(async (opts) => {
    const code = await (await import('../../bin/up.js')).runUp({
      port: opts.port,
      host: opts.host,
      dataDir: resolve(opts.dataDir),
      agents: opts.agents,
      demo: Boolean(opts.demo),
      logLevel: opts.logLevel,
      ...logOutput(opts.logFormat),
      killDrainMs: opts.killDrainMs,
      routeAckTimeoutMs: opts.routeAckTimeoutMs,
      fetcherCacheMb: opts.fetcherCacheMb,
      ...(opts.jobWebhook ? { jobWebhook: opts.jobWebhook } : {}),
      ...dockerFlags(opts),
      ...notifyFlags(opts),
      ...sandboxFlags(opts),
      ...limitFlags(opts),
      ...routerFlags(opts),
      ...apiAccessFlags(opts),
      dns: opts.dnsPort,
    });
    setExit(code);
  });
};
