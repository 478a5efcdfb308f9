/**
 * The task of one run attempt: Chronos's environment, command and resources, and the placement
 * request that puts it through the same placement as apps.
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { Constraint, Container } from '../../domain/app.js';
import type { JobDefinition, JobRun } from '../../domain/job.js';
import { jobTaskAppId } from '../../domain/job.js';
import type { PlacementRequest } from '../../scheduler/placement-types.js';

/**
 * Chronos's task id, `ct:<due>:<attempt>:<job>:<arguments>` (TaskUtils.getTaskId): the run's due
 * time in epoch ms, the 0-based attempt, the job and the run's arguments (a manual run's, else the
 * job's, joined by spaces). Scripts split it on ':'. The id also names the task's sandbox directory
 * and is sent in URL paths, so the arguments part is percent-encoded outside `[A-Za-z0-9_.-]`
 * (a space is `%20`, a ':' inside an argument `%3A`) and cut to keep the id within 255 characters;
 * due time, attempt and job alone already make it unique.
 */
export function runTaskId(
  job: Pick<JobDefinition, 'name' | 'arguments'>,
  run: Pick<JobRun, 'dueAt' | 'arguments'>,
  attempt: number,
): string {
  const head = `ct:${run.dueAt}:${attempt - 1}:${job.name}:`;
  const args = (run.arguments && run.arguments.length > 0 ? run.arguments : job.arguments).join(' ');
  let encoded = '';
  for (const b of Buffer.from(args, 'utf8')) {
    const c = String.fromCharCode(b);
    const piece = /[A-Za-z0-9_.-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (head.length + encoded.length + piece.length > MAX_TASK_ID) break;
    encoded += piece;
  }
  return head + encoded;
}

const MAX_TASK_ID = 255;

/** The job, due time and 0-based attempt of a task id in Chronos's format; undefined otherwise. */
export function parseRunTaskId(taskId: string): { job: string; dueAt: number; attempt: number } | undefined {
  const m = /^ct:(\d+):(\d+):([\w.-]+):/.exec(taskId);
  if (!m) return undefined;
  return { dueAt: Number(m[1]), attempt: Number(m[2]), job: m[3]! };
}

/** Java's Double.toString for the values a job's resources take (`1.0`, `0.5`, `128.0`). */
export function javaDouble(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e7 ? `${x}.0` : String(x);
}

/**
 * The variables Chronos sets (MesosTaskBuilder), which `environmentVariables` cannot override
 * (they are applied last): CHRONOS_JOB_NAME, CHRONOS_JOB_OWNER, CHRONOS_JOB_RUN_TIME (the run's due
 * time, epoch ms), CHRONOS_JOB_RUN_ATTEMPT (0-based, as in the task id),
 * CHRONOS_RESOURCE_CPU/MEM/DISK (Java doubles: `1.0`), mesos_task_id and HOST; plus Mesos's
 * MESOS_TASK_ID.
 */
export function runEnv(job: JobDefinition, run: JobRun, attempt: number, taskId: string, host: string) {
  const env: Record<string, string> = {};
  // A `{name, secret}` entry has no value here: the launch carries it apart (`secretEnv`).
  for (const v of job.environmentVariables) if ('value' in v) env[v.name] = v.value;
  return Object.assign(env, chronosEnv(job, run, attempt, taskId), { HOST: host });
}

function chronosEnv(
  job: JobDefinition,
  run: JobRun,
  attempt: number,
  taskId: string,
): Record<string, string> {
  return {
    CHRONOS_JOB_NAME: job.name,
    CHRONOS_JOB_OWNER: job.owner,
    CHRONOS_JOB_RUN_TIME: String(run.dueAt),
    CHRONOS_JOB_RUN_ATTEMPT: String(attempt - 1),
    CHRONOS_RESOURCE_CPU: javaDouble(job.cpus),
    CHRONOS_RESOURCE_MEM: javaDouble(job.mem),
    CHRONOS_RESOURCE_DISK: javaDouble(job.disk),
    MESOS_TASK_ID: taskId,
    mesos_task_id: taskId,
  };
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

/** The values of a job's secrets for one launch: by variable name, and by container path. */
export interface RunSecretValues {
  env: Record<string, string>;
  files: Record<string, string>;
}

export function runTaskSpec(
  job: JobDefinition,
  run: JobRun,
  attempt: number,
  taskId: string,
  host: string,
  killGraceMs: number,
  secrets: RunSecretValues = { env: {}, files: {} },
): TaskSpec {
  const args = [...job.arguments, ...(run.arguments ?? [])];
  // Chronos: with shell, `arguments` are ignored, except the manual ones appended to the command.
  const command: TaskSpec['command'] = job.shell
    ? { shell: true, value: [job.command, ...(run.arguments ?? [])].join(' ') }
    : { shell: false, argv: [job.command, ...args] };
  const container = marathonContainer(job.container);
  // The agent lays secretEnv over env; Chronos's own variables still win, as over a plain entry.
  const reserved = new Set([...Object.keys(chronosEnv(job, run, attempt, taskId)), 'HOST']);
  const secretEnv = Object.fromEntries(Object.entries(secrets.env).filter(([name]) => !reserved.has(name)));
  return {
    taskId,
    appId: jobTaskAppId(job.name),
    version: new Date(run.dueAt).toISOString(),
    command,
    env: runEnv(job, run, attempt, taskId, host),
    // Read for this launch only: in the launch message, never stored with the task or the run.
    ...(Object.keys(secretEnv).length > 0 ? { secretEnv } : {}),
    ...(Object.keys(secrets.files).length > 0 ? { secretFiles: secrets.files } : {}),
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
