import { Option } from 'commander';
import {
  DEFAULT_KILL_DRAIN_MS,
  DEFAULT_ROUTE_ACK_TIMEOUT_MS,
  KILL_DRAIN_LABEL,
} from '../../domain/kill-timing.js';
import { addApiAccessOptions, apiAccessFlags, readPem } from '../api-access-flags.js';
import { dnsListenFlag } from '../dns-flags.js';
import { example } from '../example.js';
import { addLogFormatOption, logOutput } from '../log-format.js';
import { addNotifyOptions, notifyFlags } from '../notify-flags.js';
import { httpUrlFlag, intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';

// The composition root is loaded on use: cluster commands (`drover status`...) start without
// loading the master and agent code.
export const registerMaster: RegisterCommand = (program, setExit) => {
  const master = program
    .command('master')
    .description('run a master of a multi-host cluster (agents connect with `drover agent`)')
    .option(
      '--store <url|path>',
      'postgres://user:pw@host/db (shared by masters) or a SQLite file',
      './.drover/master/state.db',
    )
    .option('--host <address>', 'API and agent endpoint bind address', '127.0.0.1')
    .option('--port <port>', 'API and agent endpoint port', intFlag(0, 65535), 8080)
    .addOption(
      new Option('--agent-token <token>', 'cluster token agents must present').env('DROVER_AGENT_TOKEN'),
    )
    .option(
      '--tls-ca <file>',
      'PEM CA bundle to verify other masters with when proxying to the leader (default: --tls-cert)',
    )
    .option('--advertise <address>', 'address other masters and agents reach this master on (default --host)')
    .option(
      '--agent-timeout <ms>',
      'an agent cut off this long (link down, no heartbeat) is lost: its tasks become TASK_UNREACHABLE',
      intFlag(500, 3_600_000),
      10_000,
    )
    .option(
      '--reregistration-grace <ms>',
      'how long a new leader waits for agents it has not heard from to find it before counting them as lost (default 60000, or 2 x --agent-timeout if longer)',
      intFlag(0, 3_600_000),
    )
    .option(
      '--lease-ms <ms>',
      'leader lease length on PostgreSQL: a dead leader is replaced within about this long',
      intFlag(500, 600_000),
      2_000,
    )
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info')
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
      '--job-webhook <url>',
      "http(s) URL every job's notifications are POSTed to (besides a job's own webhookUrl)",
      httpUrlFlag,
    )
    .option(
      '--dns-port <[host:]port|off>',
      'answer <app>.<group>.marathon.drover (A) and _<app>._tcp... (SRV) over UDP here (default off)',
      dnsListenFlag,
      'off',
    );
  addLogFormatOption(master);
  example(
    master,
    'drover master --store postgres://drover:pw@db/drover --host 10.0.0.1 --api-token $TOKEN --agent-token $AGENT_TOKEN',
  );
  addNotifyOptions(addApiAccessOptions(master)).action(async (opts) => {
    const code = await (await import('../../bin/master.js')).runMaster({
      store: opts.store,
      host: opts.host,
      port: opts.port,
      ...(opts.agentToken ? { agentToken: opts.agentToken } : {}),
      ...apiAccessFlags(opts),
      ...(opts.tlsCa !== undefined ? { tlsCa: readPem(opts.tlsCa) } : {}),
      logLevel: opts.logLevel,
      ...logOutput(opts.logFormat),
      ...(opts.advertise ? { advertise: opts.advertise } : {}),
      agentTimeoutMs: opts.agentTimeout,
      ...(opts.reregistrationGrace !== undefined ? { reregistrationGraceMs: opts.reregistrationGrace } : {}),
      leaseMs: opts.leaseMs,
      killDrainMs: opts.killDrainMs,
      routeAckTimeoutMs: opts.routeAckTimeoutMs,
      ...(opts.jobWebhook ? { jobWebhook: opts.jobWebhook } : {}),
      ...notifyFlags(opts),
      dns: opts.dnsPort,
    });
    setExit(code);
  });
};
