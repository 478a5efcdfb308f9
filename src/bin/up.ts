/**
 * Composition root for `drover up`: one process with a master, N in-process agents (process
 * executor, plus the docker executor when an engine answers `_ping`; each agent its own loopback
 * address, port range and attributes, so UNIQUE and GROUP_BY work on one machine), SQLite state
 * under --data-dir, and the HTTP API. Built from `drover master`'s pieces (a MasterNode, here with a
 * SoleLeader, behind the leader APIs) and `drover agent`'s (agent-executors.ts, signals.ts), with
 * in-memory links where those use WebSockets.
 */

import { mkdir } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, type AgentOptions } from '../agent/agent.js';
import { StartSlots } from '../agent/executors/docker/start-slots.js';
import { agentFetcher } from '../agent/fetcher/fetcher.js';
import { type ApiAuth, hasApiCredentials } from '../api/auth.js';
import type { OwnerNotifyConfig } from '../control-plane/jobs/owner-notifications.js';
import { SoleLeader } from '../control-plane/leadership/election.js';
import { MasterNode } from '../control-plane/leadership/master-node.js';
import type { Resources } from '../domain/agent.js';
import { DEFAULT_KILL_DRAIN_MS } from '../domain/kill-timing.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger, type LogFormat } from '../platform/logger.js';
import { createMemoryLinkPair } from '../platform/memory-link.js';
import { RouterMetrics } from '../router/router-metrics.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { agentExecutors, type ExecutorSetup } from './agent-executors.js';
import { openApiAccess, openSecretVault } from './api-access.js';
import { deployDemo } from './demo.js';
import { startDns } from './dns-setup.js';
import {
  type DockerFlags,
  dockerStatusLine,
  openDockerEngine,
  readRegistryAuth,
  sweepAfterRecovery,
} from './docker-setup.js';
import { listenApi } from './listen.js';
import { masterApiServer } from './master-api-server.js';
import { isLoopbackHost } from './master-exposure.js';
import { type AgentRouter, openAgentRouter, prepareKernelRouting, type RouterFlags } from './router-setup.js';
import { waitForSignal } from './signals.js';
import { type LimitFlags, openTaskLimits } from './task-limits.js';
import { upBanner } from './up-banner.js';

export interface UpConfig extends DockerFlags, Partial<RouterFlags> {
  port: number;
  host: string;
  dataDir: string;
  agents: number;
  demo: boolean;
  logLevel: string;
  /** Pretty coloured lines or JSON lines (default JSON); `logColor` false drops the colours. */
  logFormat?: LogFormat;
  logColor?: boolean;
  /** Working directory for tasks (default: where `drover up` was started), so relative commands work. */
  taskCwd?: string;
  /**
   * How long a task the master kills stays TASK_KILLING, still answering, before SIGTERM, for apps
   * without the DROVER_KILL_DRAIN_MS label: time for routers to stop sending it requests
   * (domain/kill-timing.ts). 0: SIGTERM at once. Default DEFAULT_KILL_DRAIN_MS.
   */
  killDrainMs?: number;
  /** `--route-ack-timeout-ms`: a kill's wait for the routers (control-plane/agents/route-push.ts). */
  routeAckTimeoutMs?: number;
  /** `--fetcher-cache-mb`, per in-process agent. */
  fetcherCacheMb?: number;
  /** Global job webhook (`--job-webhook`), besides each job's own `webhookUrl`. */
  jobWebhook?: string;
  /** Job owners' notifications (`--mail-server`, `--mail-from`, `--slack-webhook-url`, `--mattermost-webhook-url`). */
  jobNotify?: OwnerNotifyConfig;
  /** `--dns-port`: where the DNS server answers (default 127.0.0.1:8053), or off. */
  dns?: { host: string; port: number } | 'off';
  /** API credentials, as `drover master`'s (api-access.ts); a non-loopback --host needs one. */
  auth?: Pick<ApiAuth, 'basic' | 'bearerTokens'>;
  authFile?: string;
  tls?: { cert: string; key: string };
  /** Serve a non-loopback --host without credentials anyway. */
  insecure?: boolean;
  auditRetentionDays?: number;
  secretKeyFile?: string;
  /** Sandbox GC and task log rotation (`--sandbox-ttl`, `--sandbox-max-mb`, `--task-log-max-mb`). */
  housekeeping?: AgentOptions['housekeeping'];
  /** `--enforce-limits` (default on) and `--cpu-quota`: process tasks in cgroups. */
  limits?: LimitFlags;
}

export interface LocalAgentSlot {
  hostname: string;
  address: string;
  resources: Resources;
  attributes: Record<string, string>;
}

/** Local agents' host ports: below Linux's ephemeral range (32768+) and the test clusters' 29100+. */
const LOCAL_PORTS_FROM = 25_000;
const LOCAL_PORTS_TO = 28_999;

/**
 * Agent i gets 127.0.0.(i+1): every loopback address reaches this machine, so a task's `host` is
 * connectable from here, yet hostnames differ. Port ranges never overlap between agents, and stay
 * out of the ephemeral range so an outgoing connection never takes a task's port.
 */
export function localAgentSlots(n: number): LocalAgentSlot[] {
  const span = Math.min(1000, Math.floor((LOCAL_PORTS_TO - LOCAL_PORTS_FROM + 1) / n));
  const memPerAgent = Math.floor(totalmem() / 1024 / 1024 / n);
  return Array.from({ length: n }, (_, i) => {
    const lo = LOCAL_PORTS_FROM + i * span;
    return {
      hostname: `127.0.0.${i + 1}`,
      address: `127.0.0.${i + 1}`,
      resources: {
        cpus: availableParallelism(),
        mem: memPerAgent,
        disk: 100_000,
        ports: [[lo, lo + span - 1]],
      },
      attributes: { agent: `agent-${i + 1}`, rack: `rack-${(i % 2) + 1}` },
    };
  });
}

export async function runUp(cfg: UpConfig): Promise<number> {
  // The agents are in this process: there is no agent endpoint to protect, only the API.
  const access = openApiAccess(
    {
      host: cfg.host,
      auth: cfg.auth ?? {},
      insecure: cfg.insecure ?? false,
      ...(cfg.authFile ? { authFile: cfg.authFile } : {}),
    },
    { hasAgentToken: true },
  );
  if ('problem' in access) {
    console.error(`drover up: ${access.problem}`);
    return 2;
  }
  const logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat, colorize: cfg.logColor });
  if (cfg.insecure && !isLoopbackHost(cfg.host) && !hasApiCredentials(access.auth)) {
    console.error(
      `drover up: warning: --insecure: the API on ${cfg.host} runs open; anyone who can reach it can run commands as this user`,
    );
  }
  if (cfg.router === 'kernel') {
    const problem = await prepareKernelRouting(logger);
    if (problem) {
      console.error(`drover up: --router kernel: ${problem}`);
      return 2;
    }
  }
  const stopReloads = access.watchReloads(logger);
  await mkdir(cfg.dataDir, { recursive: true });
  const store = await createSqliteStore({ path: join(cfg.dataDir, 'state.db') });
  const vault = openSecretVault(cfg.secretKeyFile, store);
  if (vault && 'problem' in vault) {
    await store.close();
    console.error(`drover up: ${vault.problem}`);
    return 2;
  }
  // Composed as `drover master` is (a MasterNode, here its sole leader) plus `drover agent`'s
  // executors, with the agents in this process on in-memory links instead of WebSockets.
  let node: MasterNode | undefined;
  const { api, events, master, jobs, registry } = masterApiServer(
    { node: () => node, logger, auth: access.auth, store, secrets: vault },
    cfg,
  );
  const docker = await openDockerEngine(cfg, logger);
  const limits = await openTaskLimits(cfg.limits ?? { enforce: true, cpuQuota: false }, logger);
  const setup: ExecutorSetup = {
    ...(limits.cgroups ? { cgroups: limits.cgroups } : {}),
    engine: docker,
    registryAuth: await readRegistryAuth(cfg.registryAuthFile),
    allowPrivileged: cfg.allowPrivileged ?? false,
    allowedHostPaths: cfg.allowedHostPaths ?? [],
    logger,
    // The agents share one engine, so they share its start slots too.
    startSlots: new StartSlots(),
  };
  let agents: Agent[] = [];
  // Each agent's router listens on its own address (127.0.0.i); one set of metrics for all.
  const routerFlags: RouterFlags = { router: cfg.router ?? 'on', routerHttpPort: cfg.routerHttpPort ?? 8000 };
  const routerMetrics = routerFlags.router !== 'off' ? new RouterMetrics(registry) : undefined;
  const routers: AgentRouter[] = [];

  const scheme = cfg.tls ? 'https' : 'http';
  const listened = await listenApi(api, { host: cfg.host, port: cfg.port }, logger);
  if ('error' in listened) {
    await shutdown();
    console.error(`drover up: ${listened.error}`);
    return 1;
  }
  const { port } = listened;
  node = new MasterNode({
    deps: {
      clock: systemClock,
      ids: systemIds,
      random: systemRandom,
      logger,
      http: { host: cfg.host, port },
      killDrainMs: cfg.killDrainMs ?? DEFAULT_KILL_DRAIN_MS,
      ...(cfg.routeAckTimeoutMs !== undefined ? { routeAckTimeoutMs: cfg.routeAckTimeoutMs } : {}),
      ...(vault ? { secrets: vault } : {}),
      jobs: {
        metricsRegistry: registry,
        ...(cfg.jobWebhook ? { webhookUrl: cfg.jobWebhook } : {}),
        ...(cfg.jobNotify ? { notify: cfg.jobNotify } : {}),
      },
    },
    store,
    events,
    selfUrl: `${scheme}://${cfg.host}:${port}`,
    election: new SoleLeader(`${scheme}://${cfg.host}:${port}`),
    // Nobody else can lead from this data dir: state that cannot load ends `drover up`.
    onLoadFailure: 'fail',
  });
  node.start();
  try {
    await node.settled();
  } catch (err) {
    await shutdown();
    throw err;
  }
  const slots = localAgentSlots(cfg.agents);
  try {
    for (const [i, slot] of slots.entries()) {
      const router = await openAgentRouter(routerFlags, {
        index: i,
        address: slot.address,
        clock: systemClock,
        logger,
        ...(routerMetrics ? { metrics: routerMetrics } : {}),
        agent: () => agents[i],
      });
      if (router) routers.push(router);
    }
  } catch (err) {
    await shutdown();
    throw err;
  }
  agents = slots.map((slot, i) => {
    const workDir = join(cfg.dataDir, 'agents', `agent-${i + 1}`);
    // switchUser left to its default: on when `drover up` runs as root.
    const { executors, docker: dockerExecutor } = agentExecutors(setup, {
      name: slot.hostname,
      address: slot.address,
      workDir,
      cwd: cfg.taskCwd ?? process.cwd(),
    });
    const router = routers[i];
    const agent: Agent = new Agent({
      ...slot,
      ...(router ? { router } : {}),
      // A stable id per slot lets the restarted master match agents to the tasks it stored.
      agentId: `local-agent-${i + 1}`,
      workDir,
      executors,
      clock: systemClock,
      ids: systemIds,
      logger,
      heartbeatIntervalMs: 5_000,
      // On by default (7 days, 100 MiB logs) even when the CLI did not pass it.
      housekeeping: cfg.housekeeping ?? {},
      fetcher: agentFetcher(workDir, cfg.fetcherCacheMb),
    });
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    node?.connectAgent(masterEnd, { trusted: true });
    agent.connect(agentEnd);
    if (dockerExecutor) sweepAfterRecovery(agent, dockerExecutor, logger);
    return agent;
  });
  // DNS first: the "API on" line is what scripts and tests wait for, so all that it announces
  // (DNS included) must be up when it is printed.
  const dns = await startDns(cfg.dns ?? { host: '127.0.0.1', port: 8053 }, master, logger, 'drover up');
  console.log(
    `drover up: API on ${scheme}://${cfg.host}:${port} with ${cfg.agents} agents; state in ${cfg.dataDir}`,
  );
  console.log(`drover up: ${dockerStatusLine(docker, cfg)}`);
  console.log(`drover up: ${limits.statusLine}`);
  console.log(`drover up: web UI on http://${cfg.host}:${port}/ui/`);
  console.log(
    upBanner({ url: `${scheme}://${cfg.host}:${port}`, dataDir: cfg.dataDir })
      .split('\n')
      .slice(1)
      .join('\n'),
  );

  if (cfg.demo) await deployDemo(master, logger, jobs);

  await waitForSignal(logger);
  await shutdown();
  return 0;

  async function shutdown(): Promise<void> {
    await dns?.close();
    stopReloads();
    await api.close();
    // Loops stop first so the kills below are not answered by relaunches.
    await node?.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    await Promise.all(routers.map((r) => r.close()));
    await docker?.close();
    await store.close();
  }
}
