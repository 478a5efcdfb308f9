/**
 * Docker for the composition roots (`drover up`, `drover agent`): connect to the engine when one
 * answers `_ping` (unless turned off), read the agent's registry credentials, and after an agent's
 * recovery remove the containers it did not take back.
 */
import { readFile } from 'node:fs/promises';
import type { Agent } from '../agent/agent.js';
import type { DockerExecutor } from '../agent/executors/docker/docker-executor.js';
import type { DockerEngine } from '../agent/executors/docker/engine-client.js';
import { connectDockerEngine, dockerSocketPath } from '../agent/executors/docker/engine-probe.js';
import { parseRegistryAuthConfig, type RegistryAuthConfig } from '../agent/executors/docker/registry-auth.js';
import type { Logger } from '../platform/logger.js';

export interface DockerFlags {
  /** `auto` (default): Docker tasks run when an engine answers on the socket; `off`: never. */
  docker?: 'auto' | 'off';
  /** Default: $DOCKER_HOST (unix://) or /var/run/docker.sock. */
  dockerSocket?: string;
  /** JSON file with private registry credentials (Drover's shape or a docker config.json). */
  registryAuthFile?: string;
  /** Let apps run `privileged` containers (and mount any host path). Default false. */
  allowPrivileged?: boolean;
  /** Host directories Docker tasks may mount besides their sandbox. Default none. */
  allowedHostPaths?: string[];
}

export async function openDockerEngine(
  flags: DockerFlags,
  logger: Logger,
): Promise<DockerEngine | undefined> {
  if (flags.docker === 'off') return undefined;
  const socket = flags.dockerSocket ?? dockerSocketPath(process.env);
  const engine = await connectDockerEngine(socket);
  if (!engine) logger.info({ socket }, 'no Docker engine answers: Docker tasks disabled');
  return engine;
}

export async function readRegistryAuth(file: string | undefined): Promise<RegistryAuthConfig> {
  if (file === undefined) return {};
  return parseRegistryAuthConfig(await readFile(file, 'utf8'));
}

/**
 * Containers of this agent that recovery did not take back (their sandbox is gone, or a launch was
 * never recorded) would run unsupervised: remove them once recovery is done.
 */
export function sweepAfterRecovery(agent: Agent, docker: DockerExecutor, logger: Logger): void {
  void agent
    .recover()
    .then((report) => docker.removeStrays(new Set(report.adopted)))
    .catch((err: unknown) => logger.warn({ err }, 'docker stray sweep failed'));
}

export function dockerStatusLine(engine: DockerEngine | undefined, flags: DockerFlags = {}): string {
  if (engine) return `Docker tasks enabled (engine on ${engine.socketPath})`;
  return flags.docker === 'off'
    ? 'Docker tasks disabled (--docker off); DOCKER apps wait in /v2/queue'
    : 'Docker tasks disabled (no engine answered); DOCKER apps wait in /v2/queue';
}
