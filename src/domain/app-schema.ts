/**
 * The Marathon 1.x app definition as a client may send it (docs/rest-api/.../types/app.raml and
 * appContainer.raml), including deprecated fields (`ports`, `uris`, `ipAddress`,
 * `container.docker.portMappings`, `container.docker.network`) and the read-only fields a GET
 * returns, so that GET-modify-PUT works. Every object is closed (additionalProperties false): a
 * misspelt field is an error instead of being silently ignored, which Marathon users long asked
 * for (marathon#2164). Ranges live here too so the schema documents them; the messages for them
 * are Marathon's (schema-issues.ts). Rules spanning several fields live in app-normalize.ts.
 */
import Type, { type Static, type TSchema } from 'typebox';
import * as L from './limits.js';

const closed = { additionalProperties: false } as const;
const opt = <T extends TSchema>(t: T) => Type.Optional(t);
const int = (minimum?: number, maximum?: number) => Type.Integer({ minimum, maximum });
const num = (minimum?: number, maximum?: number) => Type.Number({ minimum, maximum });
const nonEmpty = () => Type.String({ minLength: 1 });

const Labels = Type.Record(Type.String(), Type.String({ maxLength: L.MAX_LABEL_VALUE_LENGTH }), {
  maxProperties: L.MAX_LABELS,
  propertyNames: { maxLength: L.MAX_LABEL_KEY_LENGTH },
});
/**
 * A Drover limit (limits.ts) on top of Marathon's minimum: `limit` makes the 422 say which side
 * was crossed ("expected 0 or more" stays Marathon's message below the minimum).
 */
const limited = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum, limit: true });
/** A delay in seconds: bounded so that it fits a timer. */
const seconds = () => limited(0, L.MAX_TIMER_SECONDS);
const AnyPort = int(0, 65535);
export const NETWORK_PROTOCOLS = ['tcp', 'udp', 'tcp,udp'] as const;
const Protocol = Type.Enum(NETWORK_PROTOCOLS);

const PortDefinitionInput = Type.Object(
  { port: opt(AnyPort), protocol: opt(Protocol), name: opt(Type.String()), labels: opt(Labels) },
  closed,
);

const PortMappingInput = Type.Object(
  {
    containerPort: opt(AnyPort),
    hostPort: opt(AnyPort),
    servicePort: opt(AnyPort),
    protocol: opt(Protocol),
    name: opt(Type.String()),
    labels: opt(Labels),
  },
  closed,
);

/** Marathon-only volume kinds are accepted by the schema so they get a clear "not supported". */
const LooseObject = Type.Record(Type.String(), Type.Unknown());

const VolumeInput = Type.Object(
  {
    containerPath: nonEmpty(),
    hostPath: opt(nonEmpty()),
    // Required for host volumes (normalizeVolumes says so); a secret volume has none, as in Marathon.
    mode: opt(Type.Enum(['RO', 'RW'])),
    persistent: opt(LooseObject),
    external: opt(LooseObject),
    secret: opt(Type.String()),
  },
  closed,
);

export const DOCKER_NETWORKS = ['HOST', 'BRIDGE', 'USER', 'NONE'] as const;

const DockerInput = Type.Object(
  {
    image: nonEmpty(),
    network: opt(Type.Enum(DOCKER_NETWORKS)),
    portMappings: opt(Type.Array(PortMappingInput)),
    privileged: opt(Type.Boolean()),
    parameters: opt(Type.Array(Type.Object({ key: nonEmpty(), value: Type.String() }, closed))),
    forcePullImage: opt(Type.Boolean()),
  },
  closed,
);

const ContainerInput = Type.Object(
  {
    type: opt(Type.Enum(['DOCKER', 'MESOS'])),
    docker: opt(DockerInput),
    portMappings: opt(Type.Array(PortMappingInput)),
    volumes: opt(Type.Array(VolumeInput)),
  },
  closed,
);

export const HEALTH_CHECK_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'TCP',
  'COMMAND',
  'MESOS_HTTP',
  'MESOS_HTTPS',
  'MESOS_TCP',
] as const;

const HealthCheckInput = Type.Object(
  {
    protocol: opt(Type.Enum(HEALTH_CHECK_PROTOCOLS)),
    path: opt(Type.String()),
    portIndex: opt(int(0)),
    port: opt(AnyPort),
    command: opt(Type.Object({ value: Type.String() }, closed)),
    gracePeriodSeconds: opt(seconds()),
    intervalSeconds: opt(seconds()),
    timeoutSeconds: opt(seconds()),
    maxConsecutiveFailures: opt(int(0)),
    ignoreHttp1xx: opt(Type.Boolean()),
    delaySeconds: opt(seconds()),
    ipProtocol: opt(Type.Enum(['IPv4', 'IPv6'])),
  },
  closed,
);

const ReadinessCheckInput = Type.Object(
  {
    name: opt(Type.String()),
    protocol: opt(Type.Enum(['HTTP', 'HTTPS'])),
    path: opt(nonEmpty()),
    portName: opt(Type.String()),
    intervalSeconds: opt(seconds()),
    timeoutSeconds: opt(seconds()),
    httpStatusCodesForReady: opt(Type.Array(int(100, 999))),
    preserveLastResponse: opt(Type.Boolean()),
  },
  closed,
);

const FetchInput = Type.Object(
  {
    uri: Type.String({ minLength: 1, maxLength: 1024 }),
    extract: opt(Type.Boolean()),
    executable: opt(Type.Boolean()),
    cache: opt(Type.Boolean()),
    destPath: opt(Type.String({ minLength: 1, maxLength: 1024 })),
    // What Drover stores; accepted so a definition read back from Drover validates again.
    outputFile: opt(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  closed,
);

const NetworkInput = Type.Object(
  {
    mode: opt(Type.Enum(['host', 'container/bridge', 'container'])),
    name: opt(nonEmpty()),
    labels: opt(Labels),
  },
  closed,
);

const IpAddressInput = Type.Object(
  {
    networkName: opt(nonEmpty()),
    groups: opt(Type.Array(Type.String())),
    labels: opt(Labels),
    discovery: opt(
      Type.Object(
        {
          ports: opt(
            Type.Array(
              Type.Object(
                { number: opt(AnyPort), name: Type.String(), protocol: opt(Protocol), labels: opt(Labels) },
                closed,
              ),
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

const EnvValue = Type.Union([
  Type.String({ maxLength: L.MAX_ENV_VALUE_LENGTH }),
  Type.Object({ secret: Type.String() }, closed),
]);

const UnreachableInput = Type.Union([
  Type.Literal('disabled'),
  Type.Object({ inactiveAfterSeconds: opt(seconds()), expungeAfterSeconds: opt(seconds()) }, closed),
]);

/** What a GET adds; accepted and dropped on input. */
export const READ_ONLY_APP_FIELDS = [
  'tasks',
  'tasksStaged',
  'tasksRunning',
  'tasksHealthy',
  'tasksUnhealthy',
  'deployments',
  'lastTaskFailure',
  'taskStats',
  'readinessCheckResults',
  'servicePorts',
  'versionInfo',
] as const;

const readOnly = Object.fromEntries(READ_ONLY_APP_FIELDS.map((f) => [f, opt(Type.Unknown())])) as Record<
  (typeof READ_ONLY_APP_FIELDS)[number],
  Type.TOptional<Type.TUnknown>
>;

export const AppInputSchema = Type.Object(
  {
    id: Type.String({ maxLength: L.MAX_ID_LENGTH }),
    cmd: opt(nonEmpty()),
    args: opt(Type.Array(Type.String())),
    user: opt(Type.String({ maxLength: L.MAX_USER_LENGTH })),
    env: opt(
      Type.Record(Type.String(), EnvValue, {
        maxProperties: L.MAX_ENV_ENTRIES,
        propertyNames: { maxLength: L.MAX_ENV_NAME_LENGTH },
      }),
    ),
    secrets: opt(Type.Record(Type.String(), Type.Object({ source: Type.String() }, closed))),
    instances: opt(limited(0, L.MAX_INSTANCES)),
    cpus: opt(num(0)),
    mem: opt(num(0)),
    disk: opt(num(0)),
    gpus: opt(int(0)),
    executor: opt(Type.String()),
    constraints: opt(Type.Array(Type.Array(Type.String()))),
    uris: opt(Type.Array(nonEmpty())),
    fetch: opt(Type.Array(FetchInput)),
    storeUrls: opt(Type.Array(nonEmpty())),
    ports: opt(Type.Array(AnyPort)),
    portDefinitions: opt(Type.Array(PortDefinitionInput)),
    requirePorts: opt(Type.Boolean()),
    backoffSeconds: opt(seconds()),
    backoffFactor: opt(num(1)),
    maxLaunchDelaySeconds: opt(seconds()),
    container: opt(ContainerInput),
    networks: opt(Type.Array(NetworkInput)),
    ipAddress: opt(IpAddressInput),
    healthChecks: opt(Type.Array(HealthCheckInput)),
    readinessChecks: opt(Type.Array(ReadinessCheckInput)),
    dependencies: opt(Type.Array(Type.String())),
    upgradeStrategy: opt(
      Type.Object({ minimumHealthCapacity: opt(num(0, 1)), maximumOverCapacity: opt(num(0, 1)) }, closed),
    ),
    labels: opt(Labels),
    acceptedResourceRoles: opt(Type.Array(nonEmpty())),
    residency: opt(LooseObject),
    taskKillGracePeriodSeconds: opt(seconds()),
    killSelection: opt(Type.Enum(['YOUNGEST_FIRST', 'OLDEST_FIRST'])),
    unreachableStrategy: opt(UnreachableInput),
    tty: opt(Type.Boolean()),
    role: opt(nonEmpty()),
    // Accepted so a PUT can name the version to roll back to (see rollbackVersion); else ignored.
    version: opt(Type.String()),
    ...readOnly,
  },
  closed,
);

export type AppInput = Static<typeof AppInputSchema>;
