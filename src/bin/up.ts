/**
 * Composition root for `drover up`: one process with a master, N in-process agents (process
 * executor, plus the docker executor when an engine answers `_ping`; each agent its own loopback
 * address, port range and attributes, so UNIQUE and GROUP_BY work on one machine), SQLite state
 * under --data-dir, and the HTTP API.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { Agent, type AgentExecutors } from '../agent/agent.js';
import { createDockerExecutor, type DockerExecutor } from '../agent/executors/docker/docker-executor.js';
import { StartSlots } from '../agent/executors/docker/start-slots.js';
import { createProcessExecutor } from '../agent/executors/process-executor.js';
import { killDrainCap } from '../agent/kill-drain.js';
import { buildApiServer } from '../api/server.js';
import { attachEventLog } from '../control-plane/event-log.js';
import { Master } from '../control-plane/master.js';
import { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import type { Resources } from '../domain/agent.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { createMemoryLinkPair } from '../platform/memory-link.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { deployDemo } from './demo.js';
import {
  type DockerFlags,
  dockerStatusLine,
  openDockerEngine,
  readRegistryAuth,
  sweepAfterRecovery,
} from './docker-setup.js';

export interface UpConfig extends DockerFlags {
  port: number;
  host: string;
  dataDir: string;
  agents: number;
  demo: boolean;
  logLevel: string;
  /** Working directory for tasks (default: where `drover up` was started), so relative commands work. */
  taskCwd?: string;
  /**
   * How long a task the master kills stays TASK_KILLING, still answering, before SIGTERM (capped
   * by its kill grace period): time for routers to stop sending it requests. 0: SIGTERM at once.
   * Default: the task's whole grace period.
   */
  killDrainMs?: number;
  /** Global job webhook (`--job-webhook`), besides each job's own `webhookUrl`. */
  jobWebhook?: string;
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
  const logger = createLogger({ level: cfg.logLevel });
  await mkdir(cfg.dataDir, { recursive: true });
  const store = await createSqliteStore({ path: join(cfg.dataDir, 'state.db') });
  // Filled in with the bound port once listening (--port 0), for /v2/info and /v2/leader.
  const http = { host: cfg.host, port: cfg.port };
  // One registry for the master's metrics and the job runtime's lateness histogram.
  const registry = new Registry();
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: systemRandom,
    logger,
    http,
    jobs: { metricsRegistry: registry, ...(cfg.jobWebhook ? { webhookUrl: cfg.jobWebhook } : {}) },
  });
  // Before agents connect, so the counters see every event from the first registration on.
  const metrics = new DroverMetrics({ master, clock: systemClock, registry });
  attachEventLog(master.events, logger);
  const docker = await openDockerEngine(cfg, logger);
  const registryAuth = await readRegistryAuth(cfg.registryAuthFile);
  // The agents share one engine, so they share its start slots too.
  const startSlots = new StartSlots();
  const agents = localAgentSlots(cfg.agents).map((slot, i) => {
    const workDir = join(cfg.dataDir, 'agents', `agent-${i + 1}`);
    const executors: AgentExecutors = {
      // switchUser left to its default: on when `drover up` runs as root.
      process: createProcessExecutor({ cwd: cfg.taskCwd ?? process.cwd(), agentName: slot.hostname }),
    };
    let dockerExecutor: DockerExecutor | undefined;
    if (docker) {
      dockerExecutor = createDockerExecutor({
        engine: docker,
        bindAddress: slot.address,
        agentName: slot.hostname,
        owner: workDir,
        allowPrivileged: cfg.allowPrivileged ?? false,
        registryAuth,
        startSlots,
        logger,
      });
      executors.docker = dockerExecutor;
    }
    const agent = new Agent({
      ...slot,
      // A stable id per slot lets the restarted master match agents to the tasks it stored.
      agentId: `local-agent-${i + 1}`,
      workDir,
      executors,
      clock: systemClock,
      ids: systemIds,
      logger,
      heartbeatIntervalMs: 5_000,
      killDrainMs: killDrainCap(cfg.killDrainMs),
    });
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    master.connectAgent(masterEnd);
    agent.connect(agentEnd);
    if (dockerExecutor) sweepAfterRecovery(agent, dockerExecutor, logger);
    return agent;
  });
  master.start();

  const api = buildApiServer({ master, jobs: master.jobs, logger, metrics });
  try {
    await api.listen({ host: cfg.host, port: cfg.port });
  } catch (err) {
    logger.error({ err }, 'cannot listen');
    await shutdown();
    console.error(`drover up: cannot listen on ${cfg.host}:${cfg.port}: ${(err as Error).message}`);
    return 1;
  }
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  http.port = port;
  console.log(
    `drover up: API on http://${cfg.host}:${port} with ${cfg.agents} agents; state in ${cfg.dataDir}`,
  );
  console.log(`drover up: ${dockerStatusLine(docker, cfg)}`);
  console.log(`drover up: web UI on http://${cfg.host}:${port}/ui/`);

  if (cfg.demo) await deployDemo(master, logger, master.jobs);

  await waitForSignal(logger);
  await api.close();
  await shutdown();
  return 0;

  async function shutdown(): Promise<void> {
    // Loops stop first so the kills below are not answered by relaunches.
    await master.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    await docker?.close();
    await store.close();
  }
}

function waitForSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      logger.info({ signal: sig }, 'stopping');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
