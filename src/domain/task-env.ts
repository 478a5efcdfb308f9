/**
 * The environment Marathon gives every task (docs: task-environment-vars). User env comes first so
 * the platform's own variables (ids, ports, host) cannot be spoofed by an app definition.
 */
import type { AppDefinition } from './app.js';

export interface TaskEnvInput {
  app: AppDefinition;
  taskId: string;
  host: string;
  hostPorts: number[];
}

export function taskEnv({ app, taskId, host, hostPorts }: TaskEnvInput): Record<string, string> {
  const env: Record<string, string> = { ...app.env };
  const labelNames = Object.keys(app.labels);
  for (const name of labelNames) env[`MARATHON_APP_LABEL_${envName(name)}`] = app.labels[name]!;
  env.MARATHON_APP_LABELS = labelNames.map(envName).join(' ');
  env.MARATHON_APP_ID = app.id;
  env.MARATHON_APP_VERSION = app.version;
  env.MARATHON_APP_RESOURCE_CPUS = String(app.cpus);
  env.MARATHON_APP_RESOURCE_MEM = String(app.mem);
  env.MARATHON_APP_RESOURCE_DISK = String(app.disk);
  env.MARATHON_APP_RESOURCE_GPUS = String(app.gpus);
  if (app.container?.docker?.image) env.MARATHON_APP_DOCKER_IMAGE = app.container.docker.image;
  env.MESOS_TASK_ID = taskId;
  env.HOST = host;
  Object.assign(env, portEnv(app, hostPorts));
  return env;
}

function portEnv(app: AppDefinition, hostPorts: number[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (hostPorts.length === 0) return env;
  env.PORTS = hostPorts.join(',');
  env.PORT = String(hostPorts[0]);
  const declared = app.container?.docker?.portMappings ?? app.container?.portMappings ?? app.portDefinitions;
  hostPorts.forEach((hostPort, i) => {
    env[`PORT${i}`] = String(hostPort);
    const def = declared[i] as { port?: number; containerPort?: number; name?: string } | undefined;
    const declaredPort = def?.containerPort ?? def?.port;
    if (declaredPort) env[`PORT_${declaredPort}`] = String(hostPort);
    // Container port 0 means "same as the host port" (Marathon's EnvironmentHelper.portsEnv).
    else if (declaredPort === 0) env[`PORT_${hostPort}`] = String(hostPort);
    if (def?.name) env[`PORT_${envName(def.name)}`] = String(hostPort);
  });
  return env;
}

/** Env var names allow [A-Z0-9_]; Marathon upper-cases and replaces the rest with `_`. */
function envName(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
