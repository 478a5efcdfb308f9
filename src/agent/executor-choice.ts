/** Which of the agent's executors runs a task; undefined when this agent has none for it. */
import type { TaskSpec } from '../domain/agent-protocol.js';
import type { Executor } from './executors/executor.js';
import type { AgentExecutors } from './task-entry.js';

export function executorFor(executors: AgentExecutors, spec: TaskSpec): Executor | undefined {
  // MESOS containers without an image are plain commands, as in Marathon. With an image they run
  // it through the Docker engine: there is no Mesos containerizer here, and the engine gives
  // what the universal containerizer gave (image rootfs, sandbox at $MESOS_SANDBOX, limits).
  if (spec.container?.type === 'DOCKER' || spec.container?.docker?.image) return executors.docker;
  return executors.process;
}
