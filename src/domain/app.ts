/**
 * The Marathon 1.x app definition as Drover stores it: every default filled in (see
 * normalizeApp in app-normalize.ts), ids absolute. Read-only fields a GET adds (tasks, counts,
 * deployments, lastTaskFailure) are not part of it; the API adds them on the way out.
 */

export type ConstraintOperator = 'UNIQUE' | 'CLUSTER' | 'GROUP_BY' | 'LIKE' | 'UNLIKE' | 'MAX_PER' | 'IS';
/** Marathon's wire form: [field, operator, value?]. */
export type Constraint = [string, ConstraintOperator, string?];

export interface PortDefinition {
  port: number;
  protocol: string;
  name?: string;
  labels?: Record<string, string>;
}

export type HealthCheckProtocol =
  | 'HTTP'
  | 'HTTPS'
  | 'TCP'
  | 'COMMAND'
  | 'MESOS_HTTP'
  | 'MESOS_HTTPS'
  | 'MESOS_TCP';

export interface HealthCheck {
  protocol: HealthCheckProtocol;
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  ignoreHttp1xx: boolean;
  delaySeconds?: number;
  /** Only set when not the default `IPv4`. */
  ipProtocol?: 'IPv4' | 'IPv6';
}

export interface ReadinessCheck {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  path: string;
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

export interface UpgradeStrategy {
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
}

export interface UnreachableStrategy {
  inactiveAfterSeconds: number;
  expungeAfterSeconds: number;
}

export type KillSelection = 'YOUNGEST_FIRST' | 'OLDEST_FIRST';

export interface FetchUri {
  uri: string;
  executable: boolean;
  extract: boolean;
  cache: boolean;
  outputFile?: string;
}

export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  servicePort?: number;
  protocol: string;
  name?: string;
  labels?: Record<string, string>;
}

/**
 * A host volume (`hostPath`, `mode`), or a file secret (`secret`: a name in the app's `secrets`):
 * the secret's value as a read-only file at `containerPath`, relative to the sandbox (Marathon's
 * `$MESOS_SANDBOX/<containerPath>`) or, in a Docker container, also absolute.
 */
export interface Volume {
  containerPath: string;
  hostPath?: string;
  /** Host volumes only. */
  mode?: 'RO' | 'RW';
  secret?: string;
}

export interface DockerParameter {
  key: string;
  value: string;
}

export interface Container {
  type: 'DOCKER' | 'MESOS';
  docker?: {
    image: string;
    network?: 'HOST' | 'BRIDGE' | 'USER' | 'NONE';
    portMappings?: PortMapping[];
    privileged: boolean;
    parameters: DockerParameter[];
    forcePullImage: boolean;
  };
  portMappings?: PortMapping[];
  volumes: Volume[];
}

export interface NetworkSpec {
  mode: 'host' | 'container/bridge' | 'container';
  name?: string;
  labels?: Record<string, string>;
}

export interface VersionInfo {
  lastScalingAt: string;
  lastConfigChangeAt: string;
}

export interface AppDefinition {
  /** Absolute, normalised: `/group/app`. */
  id: string;
  cmd?: string;
  args?: string[];
  user?: string;
  env: Record<string, string>;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  executor: string;
  constraints: Constraint[];
  uris: string[];
  fetch: FetchUri[];
  storeUrls: string[];
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  container?: Container;
  networks: NetworkSpec[];
  healthChecks: HealthCheck[];
  readinessChecks: ReadinessCheck[];
  dependencies: string[];
  upgradeStrategy: UpgradeStrategy;
  labels: Record<string, string>;
  acceptedResourceRoles?: string[];
  portDefinitions: PortDefinition[];
  requirePorts: boolean;
  killSelection: KillSelection;
  unreachableStrategy: UnreachableStrategy | 'disabled';
  taskKillGracePeriodSeconds?: number;
  /** Marathon 1.6+: allocate a TTY for the task. */
  tty?: boolean;
  /** Marathon 1.9+: the Mesos role the app's resources come from. */
  role?: string;
  /** Marathon's secrets: a reference name -> the secret (`/v2/secrets/{source}`) it stands for. */
  secrets?: Record<string, { source: string }>;
  /**
   * Variables whose value is a secret: name -> reference into `secrets` (Marathon's
   * `env: {"NAME": {"secret": "ref"}}`, kept apart so `env` stays plain strings). The value itself
   * never enters the definition: the master reads it only to launch a task.
   */
  secretEnv?: Record<string, string>;
  /** ISO timestamp of this version. */
  version: string;
  versionInfo: VersionInfo;
}

/**
 * A validated, normalised definition before the store stamps it with a version (see
 * parseAppDefinition in app-validate.ts and stampVersion in app-version.ts).
 */
export type AppSpec = Omit<AppDefinition, 'version' | 'versionInfo'>;

/** Marathon's task id prefix for an app id: `/a/b` -> `a_b`. */
export function appIdToTaskPrefix(appId: string): string {
  return appId.replace(/^\//, '').replaceAll('/', '_');
}

/**
 * The app a task id names (`group_app.uuid` -> `/group/app`), for a task the master no longer
 * knows. Lossy as in Marathon (PathId.fromSafePath): an `_` in an app id reads back as `/`.
 */
export function appIdOfTaskId(taskId: string): string {
  const dot = taskId.lastIndexOf('.');
  const prefix = dot > 0 ? taskId.slice(0, dot) : taskId;
  return `/${prefix.replaceAll('_', '/')}`;
}
