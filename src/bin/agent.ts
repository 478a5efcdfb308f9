/**
 * Composition root for `drover agent`: one worker machine. It runs tasks with the process
 * executor (and DOCKER tasks with the docker executor when an engine answers `_ping`; published
 * ports bind to --advertise only) in sandboxes under --work-dir, re-adopts tasks an earlier agent on that work dir left
 * running, and stays connected to the leading master through MasterConnector (several master
 * URLs, reconnect with backoff, redirects from standbys). Its id is kept in the work dir.
 *
 * SIGTERM / SIGINT stop the agent and leave its tasks running (a restarted agent re-adopts them,
 * as a Mesos agent recovers its executors); SIGUSR1 kills every task first, for a machine that is
 * being taken out of service.
 */
import { mkdirSync } from 'node:fs';
import { Agent, type AgentOptions } from '../agent/agent.js';
import { readAgentId, writeAgentId } from '../agent/agent-id-file.js';
import { detectResources } from '../agent/detect-resources.js';
import { agentFetcher } from '../agent/fetcher/fetcher.js';
import { killDrainCap } from '../agent/kill-drain.js';
import { MasterConnector } from '../agent/master-connector.js';
import type { Resources } from '../domain/agent.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger, type LogFormat } from '../platform/logger.js';
import { agentExecutors } from './agent-executors.js';
import { agentMetrics, serveAgentMetrics } from './agent-metrics.js';
import {
  type DockerFlags,
  dockerStatusLine,
  openDockerEngine,
  readRegistryAuth,
  sweepAfterRecovery,
} from './docker-setup.js';
import { openAgentRouter, prepareKernelRouting, type RouterFlags } from './router-setup.js';
import { waitForSignal } from './signals.js';
import { type LimitFlags, openTaskLimits } from './task-limits.js';

export interface AgentConfig extends DockerFlags, Partial<RouterFlags> {
  /** Sandbox GC and task log rotation (`--sandbox-ttl`, `--sandbox-max-mb`, `--task-log-max-mb`). */
  housekeeping?: AgentOptions['housekeeping'];
  /** Agent endpoint URLs (normalised by the CLI). */
  masters: string[];
  token?: string;
  /** Address task ports are reachable on; the `host` of its tasks. */
  advertise: string;
  hostname: string;
  attributes: Record<string, string>;
  /** Fields given by --resources; the rest is detected. */
  resources: Partial<Resources>;
  workDir: string;
  /** PEM to trust for wss:// masters with a private CA or a self-signed certificate. */
  ca?: string;
  heartbeatIntervalMs: number;
  logLevel: string;
  /** Pretty coloured lines or JSON lines (default JSON); `logColor` false drops the colours. */
  logFormat?: LogFormat;
  logColor?: boolean;
  /**
   * A killed task stays TASK_KILLING this long (at most its grace) before SIGTERM; 0: SIGTERM at
   * once. Default: the task's whole grace period.
   */
  killDrainMs?: number;
  /** `--fetcher-cache-mb`. */
  fetcherCacheMb?: number;
  /**
   * Run process tasks as their runAsUser / app user (Mesos' --switch_user). Default: when the
   * agent runs as root. DOCKER tasks run as their image's USER either way.
   */
  switchUser?: boolean;
  /** `--metrics-port`: where GET /metrics answers (agent-metrics.ts); absent or off: nowhere. */
  metricsListen?: { host: string; port: number } | 'off';
  /** `--enforce-limits` (default on) and `--cpu-quota`: process tasks in cgroups. */
  limits?: LimitFlags;
}

export async function runAgent(cfg: AgentConfig): Promise<number> {
  const logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat, colorize: cfg.logColor });
  if (cfg.router === 'kernel') {
    const problem = await prepareKernelRouting(logger);
    if (problem) {
      console.error(`drover agent: --router kernel: ${problem}`);
      return 2;
    }
  }
  mkdirSync(cfg.workDir, { recursive: true });
  const resources = detectResources(cfg.workDir, cfg.resources);
  const knownId = readAgentId(cfg.workDir);
  const docker = await openDockerEngine(cfg, logger);
  const limits = await openTaskLimits(cfg.limits ?? { enforce: true, cpuQuota: false }, logger);
  const { executors, docker: dockerExecutor } = agentExecutors(
    {
      ...(limits.cgroups ? { cgroups: limits.cgroups } : {}),
      engine: docker,
      // Read only when an engine answered: without Docker the file is not needed.
      registryAuth: docker ? await readRegistryAuth(cfg.registryAuthFile) : {},
      allowPrivileged: cfg.allowPrivileged ?? false,
      allowedHostPaths: cfg.allowedHostPaths ?? [],
      logger,
    },
    {
      name: cfg.hostname,
      address: cfg.advertise,
      workDir: cfg.workDir,
      ...(cfg.switchUser !== undefined ? { switchUser: cfg.switchUser } : {}),
    },
  );
  const metrics = agentMetrics();
  const router = await openAgentRouter(
    { router: cfg.router ?? 'on', routerHttpPort: cfg.routerHttpPort ?? 80 },
    {
      index: 0,
      address: cfg.advertise,
      clock: systemClock,
      logger,
      metrics: metrics.router,
      agent: () => agent,
    },
  );
  const agent: Agent = new Agent({
    ...(router ? { router } : {}),
    hostname: cfg.hostname,
    address: cfg.advertise,
    resources,
    attributes: cfg.attributes,
    workDir: cfg.workDir,
    executors,
    clock: systemClock,
    ids: systemIds,
    logger,
    heartbeatIntervalMs: cfg.heartbeatIntervalMs,
    maxKillDrainMs: killDrainCap(cfg.killDrainMs),
    housekeeping: cfg.housekeeping ?? {},
    fetcher: agentFetcher(cfg.workDir, cfg.fetcherCacheMb),
    ...(knownId !== undefined ? { agentId: knownId } : {}),
  });
  const connector = new MasterConnector({
    masters: cfg.masters,
    token: cfg.token,
    ...(cfg.ca !== undefined ? { ca: cfg.ca } : {}),
    agent,
    clock: systemClock,
    random: systemRandom,
    logger,
    // A leader cut off the network must be noticed soon, so the agent finds the next one before
    // that one's re-registration grace runs out: two heartbeats, between 2 and 5 s.
    pingIntervalMs: Math.min(5_000, Math.max(2_000, 2 * cfg.heartbeatIntervalMs)),
    onRegistered: (agentId) => {
      try {
        writeAgentId(cfg.workDir, agentId);
      } catch (err) {
        logger.error({ err }, 'cannot keep the agent id in the work dir');
      }
    },
  });
  if (dockerExecutor) sweepAfterRecovery(agent, dockerExecutor, logger);
  connector.start();
  console.log(
    `drover agent: ${cfg.hostname} (${cfg.advertise}) cpus=${resources.cpus} mem=${resources.mem} ` +
      `disk=${resources.disk} ports=${resources.ports.map(([lo, hi]) => `${lo}-${hi}`).join(',')}; ` +
      `masters ${cfg.masters.join(', ')}; work dir ${cfg.workDir}; ${dockerStatusLine(docker, cfg)}`,
  );
  console.log(`drover agent: ${limits.statusLine}`);

  const metricsServer =
    cfg.metricsListen !== undefined && cfg.metricsListen !== 'off'
      ? await serveAgentMetrics(cfg.metricsListen, metrics.registry, logger)
      : undefined;

  const signal = await waitForSignal(logger, ['SIGUSR1']);
  metricsServer?.close();
  connector.stop();
  await agent.stop({ killTasks: signal === 'SIGUSR1' });
  await router?.close();
  await docker?.close();
  return 0;
}
