/**
 * The task of one run attempt: Chronos's environment, command and resources, and the placement
 * request that puts it through the same placement as apps.
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { Constraint, Container } from '../../domain/app.js';
import type { JobDefinition, JobRun } from '../../domain/job.js';
import { jobTaskAppId } from '../../domain/job.js';
import type { PlacementRequest } from '../../scheduler/placement-types.js';

/** Chronos-like task id (`ct:<due>:<attempt>:<job>`) with `_` for `:`, which agents refuse. */
export function runTaskId(job: string, dueAt: number, attempt: number): string {
  return `ct_${dueAt}_${attempt - 1}_${job}`;
}

/**
 * The variables Chronos sets, which `environmentVariables` cannot override (they are applied
 * last). CHRONOS_JOB_RUN_ATTEMPT is 0-based, as in Chronos's task ids.
 */
export function runEnv(job: JobDefinition, run: JobRun, attempt: number, taskId: string, host: string) {
  const env: Record<string, string> = {};
  for (const v of job.environmentVariables) env[v.name] = v.value;
  Object.assign(env, {
    CHRONOS_JOB_NAME: job.name,
    CHRONOS_JOB_OWNER: job.owner,
    CHRONOS_JOB_RUN_TIME: new Date(run.dueAt).toISOString(),
    CHRONOS_JOB_RUN_ATTEMPT: String(attempt - 1),
    MESOS_TASK_ID: taskId,
    mesos_task_id: taskId,
    HOST: host,
  });
  return env;
}

/** Chronos's container shape (`{type, image, network, volumes, parameters, forcePullImage}`) as Marathon's. */
export function marathonContainer(c: Record<string, unknown> | undefined): Container | undefined {
  if (!c || typeof c.image !== 'string') return undefined;
  const network = typeof c.network === 'string' ? c.network.toUpperCase() : undefined;
  return {
    type: 'DOCKER',
    docker: {
      image: c.image,
      ...(network === 'HOST' || network === 'BRIDGE' || network === 'NONE' || network === 'USER'
        ? { network }
        : {}),
      privileged: false,
      parameters: Array.isArray(c.parameters) ? (c.parameters as Array<{ key: string; value: string }>) : [],
      forcePullImage: c.forcePullImage === true,
    },
    volumes: Array.isArray(c.volumes) ? (c.volumes as Container['volumes']) : [],
  };
}

export function runTaskSpec(
  job: JobDefinition,
  run: JobRun,
  attempt: number,
  taskId: string,
  host: string,
  killGraceMs: number,
): TaskSpec {
  const args = [...job.arguments, ...(run.arguments ?? [])];
  // Chronos: with shell, `arguments` are ignored, except the manual ones appended to the command.
  const command: TaskSpec['command'] = job.shell
    ? { shell: true, value: [job.command, ...(run.arguments ?? [])].join(' ') }
    : { shell: false, argv: [job.command, ...args] };
  const container = marathonContainer(job.container);
  return {
    taskId,
    appId: jobTaskAppId(job.name),
    version: new Date(run.dueAt).toISOString(),
    command,
    env: runEnv(job, run, attempt, taskId, host),
    ports: [],
    resources: { cpus: job.cpus, mem: job.mem, disk: job.disk },
    killGracePeriodMs: killGraceMs,
    fetch:
      job.fetch.length > 0
        ? job.fetch
        : job.uris.map((uri) => ({ uri, executable: false, extract: true, cache: false })),
    ...(container ? { container } : {}),
    healthChecks: [],
    readinessChecks: [],
    portNames: [],
    labels: { CHRONOS_JOB_NAME: job.name },
    // Chronos runs every job as runAsUser (default root); the agent applies it to process tasks
    // when it switches users, and notes in stderr when it does not.
    user: job.runAsUser,
  };
}

/** EQUALS is Marathon's CLUSTER (attribute equals value); LIKE and UNLIKE are shared. */
export function placementConstraints(job: JobDefinition): Constraint[] {
  return job.constraints.map(([field, op, value]) => [field, op === 'EQUALS' ? 'CLUSTER' : op, value]);
}

export function runPlacementRequest(key: string, job: JobDefinition): PlacementRequest {
  return {
    key,
    appId: jobTaskAppId(job.name),
    cpus: job.cpus,
    mem: job.mem,
    disk: job.disk,
    ports: [],
    requirePorts: false,
    constraints: placementConstraints(job),
    needsDocker: marathonContainer(job.container) !== undefined,
    priority: job.highPriority ? 1 : 0,
  };
}
