import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { DroverError } from '../../domain/errors.js';
import { attribute, masterUrls, resources } from '../cluster-flags.js';
import { dnsListenFlag } from '../dns-flags.js';
import { addDockerOptions, dockerFlags } from '../docker-flags.js';
import { example } from '../example.js';
import { addLimitOptions, limitFlags } from '../limit-flags.js';
import { addLogFormatOption, logOutput } from '../log-format.js';
import { intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';
import { addRouterOptions, routerFlags } from '../router-flags.js';
import { addSandboxOptions, sandboxFlags } from '../sandbox-flags.js';

// The composition root is loaded on use: cluster commands (`drover status`...) start without
// loading the master and agent code.
export const registerAgent: RegisterCommand = (program, setExit) => {
  const agent = program
    .command('agent')
    .description(
      'run an agent on this machine: it dials a master and runs the tasks placed on it\n' +
        '(`drover agent list|drain ID|undrain ID` are cluster commands instead: they ask a master\n' +
        "about its agents; they run only when that word comes right after 'agent')",
    )
    .requiredOption(
      '--master <url[,url...]>',
      'master address(es): host:port, http(s):// or ws(s):// URL',
      masterUrls,
    )
    .addOption(
      new Option('--token <token>', "the cluster token (the master's --agent-token)").env(
        'DROVER_AGENT_TOKEN',
      ),
    )
    .option('--advertise <address>', 'address task ports are reachable on (default: first non-loopback IPv4)')
    .option(
      '--hostname <name>',
      'name for constraints and the UI (default: --advertise if given, else the hostname)',
    )
    .option('--attribute <key=value>', 'agent attribute for constraints (repeatable)', attribute, {})
    .option(
      '--resources <list>',
      'cpus=N,mem=MB,disk=MB,ports=LO-HI[+LO-HI] (the rest is detected)',
      resources,
      {},
    )
    .option('--work-dir <dir>', 'sandboxes, task checkpoints and the agent id', './.drover/agent')
    .option('--ca <file>', 'PEM certificate(s) to trust for wss:// masters')
    .option('--heartbeat-interval <ms>', 'heartbeat period', intFlag(100, 600_000), 2_000)
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info')
    .option(
      '--kill-drain-ms <ms>',
      'cap on the drain the master asks for (TASK_KILLING, still running, before SIGTERM) ' +
        '(default: no cap; 0: SIGTERM at once)',
      intFlag(0, 3_600_000),
    )
    .option(
      '--fetcher-cache-mb <mb>',
      "size of the agent's cache of fetched URIs (fetch entries with cache: true), least recently used evicted (default 2048, as Mesos)",
      intFlag(0, 1_048_576),
    )
    .option(
      '--switch-user',
      "run process tasks as their job's runAsUser / app's user (default: when run as root)",
    )
    .option(
      '--metrics-port <[host:]port|off>',
      "serve Prometheus metrics (the router's per service port, the process's) at GET /metrics here (default off; host defaults to 127.0.0.1)",
      dnsListenFlag,
      'off',
    )
    .option(
      '--no-switch-user',
      'run every process task as the agent user; a requested user is noted in stderr',
    );
  addRouterOptions(agent, 80);
  addLogFormatOption(agent);
  example(
    agent,
    'drover agent --master 10.0.0.1:8080 --token $DROVER_AGENT_TOKEN   # run an agent',
    "drover agent list                                                # the cluster's agents",
    'drover agent drain agent-2',
  );
  addLimitOptions(addSandboxOptions(addDockerOptions(agent))).action(async (opts) => {
    const advertise: string = opts.advertise ?? firstExternalIPv4() ?? '127.0.0.1';
    let ca: string | undefined;
    if (opts.ca !== undefined) {
      try {
        ca = readFileSync(opts.ca, 'utf8');
      } catch (err) {
        throw new DroverError('USAGE', `cannot read --ca ${opts.ca}: ${(err as Error).message}`);
      }
    }
    const code = await (await import('../../bin/agent.js')).runAgent({
      masters: opts.master,
      ...(opts.token ? { token: opts.token } : {}),
      advertise,
      hostname: opts.hostname ?? (opts.advertise !== undefined ? opts.advertise : hostname()),
      attributes: opts.attribute,
      resources: opts.resources,
      workDir: resolve(opts.workDir),
      ...(ca !== undefined ? { ca } : {}),
      heartbeatIntervalMs: opts.heartbeatInterval,
      logLevel: opts.logLevel,
      ...logOutput(opts.logFormat),
      killDrainMs: opts.killDrainMs,
      fetcherCacheMb: opts.fetcherCacheMb,
      // Unset when neither flag is given: the executor then decides by whether it runs as root.
      ...(opts.switchUser !== undefined ? { switchUser: opts.switchUser } : {}),
      ...dockerFlags(opts),
      ...sandboxFlags(opts),
      ...limitFlags(opts),
      ...routerFlags(opts),
      metricsListen: opts.metricsPort,
    });
    setExit(code);
  });
};

function firstExternalIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
