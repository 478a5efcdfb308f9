/**
 * Composition root for `drover up`: one process with a master, N in-process agents (process
 * executor, plus the docker executor when an engine answers `_ping`; each agent its own loopback
 * address, port range and attributes, so UNIQUE and GROUP_BY work on one machine), SQLite state
 * under --data-dir, and the HTTP API.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, type AgentExecutors, DEFAULT_KILL_DRAIN_MS } from '../agent/agent.js';
import { createDockerExecutor, type DockerExecutor } from '../agent/executors/docker/docker-executor.js';
import type { DockerEngine } from '../agent/executors/docker/engine-client.js';
import { connectDockerEngine, dockerSocketPath } from '../agent/executors/docker/engine-probe.js';
import { parseRegistryAuthConfig, type RegistryAuthConfig } from '../agent/executors/docker/registry-auth.js';
import { createProcessExecutor } from '../agent/executors/process-executor.js';
import { buildApiServer } from '../api/server.js';
import { Master } from '../control-plane/master.js';
import { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import type { Resources } from '../domain/agent.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { createMemoryLinkPair } from '../platform/memory-link.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { deployDemo } from './demo.js';

export interface UpConfig {
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
   * by its kill grace period): time for routers to stop sending it requests. Default 5 s.
   */
  killDrainMs?: number;
  /** `auto` (default): Docker tasks run when an engine answers on the socket; `off`: never. */
  docker?: 'auto' | 'off';
  /** Default: $DOCKER_HOST (unix://) or /var/run/docker.sock. */
  dockerSocket?: string;
  /** JSON file with private registry credentials (Drover's shape or a docker config.json). */
  registryAuthFile?: string;
  /** Let apps run `privileged` containers. Default false. */
  allowPrivileged?: boolean;
}

export { DEFAULT_KILL_DRAIN_MS } from '../agent/agent.js';

export interface LocalAgentSlot {
  hostname: string;
  address: string;
  resources: Resources;
  attributes: Record<string, string>;
}

/**
 * Agent i gets 127.0.0.(i+1): every loopback address reaches this machine, so a task's `host` is
 * connectable from here, yet hostnames differ. Port ranges never overlap between agents.
 */
export function localAgentSlots(n: number): LocalAgentSlot[] {
  const span = Math.min(1000, Math.floor(30000 / n));
  const memPerAgent = Math.floor(totalmem() / 1024 / 1024 / n);
  return Array.from({ length: n }, (_, i) => {
    const lo = 31000 + i * span;
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
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: systemRandom,
    logger,
    http: { host: cfg.host, port: cfg.port },
  });
  // Before agents connect, so the counters see every event from the first registration on.
  const metrics = new DroverMetrics({ master, clock: systemClock });
  const docker = await dockerEngineFor(cfg, logger);
  const registryAuth = await readRegistryAuth(cfg.registryAuthFile);
  const agents = localAgentSlots(cfg.agents).map((slot, i) => {
    const workDir = join(cfg.dataDir, 'agents', `agent-${i + 1}`);
    const executors: AgentExecutors = {
      process: createProcessExecutor({ cwd: cfg.taskCwd ?? process.cwd() }),
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
      killDrainMs: cfg.killDrainMs ?? DEFAULT_KILL_DRAIN_MS,
    });
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    master.connectAgent(masterEnd);
    agent.connect(agentEnd);
    // Containers of this agent that recovery did not take back (their sandbox is gone, or a
    // launch was never recorded) would run unsupervised: remove them.
    if (dockerExecutor) {
      const sweeping = dockerExecutor;
      void agent
        .recover()
        .then((report) => sweeping.removeStrays(new Set(report.adopted)))
        .catch((err: unknown) => logger.warn({ err }, 'docker stray sweep failed'));
    }
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
  console.log(
    `drover up: API on http://${cfg.host}:${port} with ${cfg.agents} agents; state in ${cfg.dataDir}`,
  );
  console.log(
    docker
      ? `drover up: Docker tasks enabled (engine on ${docker.socketPath})`
      : 'drover up: Docker tasks disabled (no engine answered); DOCKER apps wait in /v2/queue',
  );

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

async function dockerEngineFor(cfg: UpConfig, logger: Logger): Promise<DockerEngine | undefined> {
  if (cfg.docker === 'off') return undefined;
  const socket = cfg.dockerSocket ?? dockerSocketPath(process.env);
  const engine = await connectDockerEngine(socket);
  if (!engine) logger.info({ socket }, 'no Docker engine answers: Docker tasks disabled');
  return engine;
}

async function readRegistryAuth(file: string | undefined): Promise<RegistryAuthConfig> {
  if (file === undefined) return {};
  return parseRegistryAuthConfig(await readFile(file, 'utf8'));
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
