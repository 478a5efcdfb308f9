/**
 * The executors an agent runs tasks with, for `drover agent` and each of `drover up`'s local
 * agents: the process executor always, the docker executor when an engine answered `_ping`.
 */
import type { AgentExecutors } from '../agent/agent.js';
import type { TaskCgroups } from '../agent/executors/cgroups/task-cgroups.js';
import { createDockerExecutor, type DockerExecutor } from '../agent/executors/docker/docker-executor.js';
import type { DockerEngine } from '../agent/executors/docker/engine-client.js';
import type { RegistryAuthConfig } from '../agent/executors/docker/registry-auth.js';
import type { StartSlots } from '../agent/executors/docker/start-slots.js';
import { createProcessExecutor } from '../agent/executors/process-executor.js';
import type { Logger } from '../platform/logger.js';

/** What every agent of a process shares. */
export interface ExecutorSetup {
  engine: DockerEngine | undefined;
  registryAuth: RegistryAuthConfig;
  allowPrivileged: boolean;
  /** `--allowed-host-paths`: host directories Docker tasks may mount besides their sandbox. */
  allowedHostPaths?: readonly string[];
  logger: Logger;
  /** Agents on one engine share its start slots (`drover up`); one agent gets its own. */
  startSlots?: StartSlots;
  /** Process tasks' cgroups (task-limits.ts); undefined: no limits. */
  cgroups?: TaskCgroups;
}

/** One agent: its name and address, its work dir (the docker executor's owner label). */
export interface ExecutorAgent {
  name: string;
  address: string;
  workDir: string;
  /** Tasks run here instead of their sandbox (`drover up`: where it was started). */
  cwd?: string;
  /** Default: on when the agent runs as root. */
  switchUser?: boolean;
}

export function agentExecutors(
  setup: ExecutorSetup,
  agent: ExecutorAgent,
): { executors: AgentExecutors; docker: DockerExecutor | undefined } {
  const executors: AgentExecutors = {
    process: createProcessExecutor({
      agentName: agent.name,
      logger: setup.logger,
      ...(setup.cgroups ? { cgroups: setup.cgroups } : {}),
      ...(agent.cwd !== undefined ? { cwd: agent.cwd } : {}),
      ...(agent.switchUser !== undefined ? { switchUser: agent.switchUser } : {}),
    }),
  };
  if (!setup.engine) return { executors, docker: undefined };
  const docker = createDockerExecutor({
    engine: setup.engine,
    bindAddress: agent.address,
    agentName: agent.name,
    owner: agent.workDir,
    allowPrivileged: setup.allowPrivileged,
    allowedHostPaths: setup.allowedHostPaths ?? [],
    registryAuth: setup.registryAuth,
    logger: setup.logger,
    ...(setup.startSlots ? { startSlots: setup.startSlots } : {}),
  });
  executors.docker = docker;
  return { executors, docker };
}
