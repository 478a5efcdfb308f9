/** Builds the launch message for one task from its app version and placement. */
import type { TaskSpec } from './agent-protocol.js';
import type { AppDefinition } from './app.js';
import { killGraceMs } from './kill-timing.js';
import { taskEnv } from './task-env.js';

export interface TaskSpecInput {
  app: AppDefinition;
  taskId: string;
  host: string;
  hostPorts: number[];
  /** Used when the app does not set taskKillGracePeriodSeconds. */
  defaultKillGraceMs: number;
}

export function buildTaskSpec({ app, taskId, host, hostPorts, defaultKillGraceMs }: TaskSpecInput): TaskSpec {
  const command: TaskSpec['command'] =
    app.cmd !== undefined
      ? { shell: true, value: app.cmd }
      : { shell: false, argv: app.args && app.args.length > 0 ? [...app.args] : [] };
  const declared = app.container?.docker?.portMappings ?? app.container?.portMappings ?? app.portDefinitions;
  return {
    taskId,
    appId: app.id,
    version: app.version,
    command,
    env: taskEnv({ app, taskId, host, hostPorts }),
    ports: hostPorts,
    resources: { cpus: app.cpus, mem: app.mem, disk: app.disk },
    killGracePeriodMs: killGraceMs(app, defaultKillGraceMs),
    fetch: app.fetch,
    ...(app.container ? { container: app.container, networks: app.networks } : {}),
    healthChecks: app.healthChecks,
    readinessChecks: app.readinessChecks,
    portNames: declared.map((d) => d.name),
    labels: app.labels,
    // Marathon: absent means the agent's own user (Mesos' default framework user), so send none.
    ...(app.user !== undefined ? { user: app.user } : {}),
  };
}
