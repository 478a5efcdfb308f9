/**
 * Health checks with Marathon's defaults and rules. A check that names neither `port` nor
 * `portIndex` probes the app's first port (AppNormalization.normalizeHealthChecks); a `portIndex`
 * must address one of the app's ports (its port mappings when it has any, else its port
 * definitions). A check with a `command` is a COMMAND check whatever its protocol says, as in
 * Marathon's conversion.
 */
import { compact } from './absent-fields.js';
import type { HealthCheck, HealthCheckProtocol } from './app.js';
import { HEALTH_CHECK_DEFAULTS } from './app-defaults.js';
import type { AppInput } from './app-schema.js';
import { at, type Issues } from './validation-issues.js';

export const HEALTH_CHECK_MESSAGES = {
  portIndex:
    'Health check port indices must address an element of the ports array or container port mappings.',
  portAndIndex: 'Health check must not set both port and portIndex',
  commandMissing: 'a command is required for COMMAND health checks',
  ipv6: 'IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks',
  oneMesosCheck: 'AppDefinition can contain at most one Mesos health check',
} as const;

const HTTP_LIKE: readonly HealthCheckProtocol[] = ['HTTP', 'HTTPS', 'MESOS_HTTP', 'MESOS_HTTPS'];
const MESOS_NETWORK: readonly HealthCheckProtocol[] = ['MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'];

export interface HealthCheckContext {
  /** How many ports `portIndex` may address. */
  portCount: number;
  docker: boolean;
}

type HealthCheckInput = NonNullable<AppInput['healthChecks']>[number];

export function normalizeHealthChecks(
  checks: readonly HealthCheckInput[],
  ctx: HealthCheckContext,
  issues: Issues,
): HealthCheck[] {
  const out = checks.map((c, i) => normalizeOne(c, ctx, at('/healthChecks', i), issues));
  if (out.filter((c) => MESOS_NETWORK.includes(c.protocol)).length > 1) {
    issues.add('/', HEALTH_CHECK_MESSAGES.oneMesosCheck);
  }
  return out;
}

function normalizeOne(
  c: HealthCheckInput,
  ctx: HealthCheckContext,
  path: string,
  issues: Issues,
): HealthCheck {
  const protocol: HealthCheckProtocol = c.command
    ? 'COMMAND'
    : (c.protocol ?? HEALTH_CHECK_DEFAULTS.protocol);
  const d = HEALTH_CHECK_DEFAULTS;
  const base = {
    protocol,
    gracePeriodSeconds: c.gracePeriodSeconds ?? d.gracePeriodSeconds,
    intervalSeconds: c.intervalSeconds ?? d.intervalSeconds,
    timeoutSeconds: c.timeoutSeconds ?? d.timeoutSeconds,
    maxConsecutiveFailures: c.maxConsecutiveFailures ?? d.maxConsecutiveFailures,
    ignoreHttp1xx: c.ignoreHttp1xx ?? d.ignoreHttp1xx,
    delaySeconds: c.delaySeconds ?? d.delaySeconds,
  };
  if (c.ipProtocol === 'IPv6' && !(ctx.docker && MESOS_NETWORK.includes(protocol))) {
    issues.add(path, HEALTH_CHECK_MESSAGES.ipv6);
  }
  const ipProtocol = c.ipProtocol === 'IPv6' ? ('IPv6' as const) : undefined;

  if (protocol === 'COMMAND') {
    if (!c.command?.value) issues.add(`${path}/command`, HEALTH_CHECK_MESSAGES.commandMissing);
    return compact({ ...base, command: c.command ? { value: c.command.value } : undefined, ipProtocol });
  }

  if (c.port !== undefined && c.portIndex !== undefined) issues.add(path, HEALTH_CHECK_MESSAGES.portAndIndex);
  const portIndex = c.port === undefined && c.portIndex === undefined && ctx.portCount > 0 ? 0 : c.portIndex;
  const addressable = portIndex === undefined ? c.port !== undefined : portIndex < ctx.portCount;
  if (!addressable) issues.add(path, HEALTH_CHECK_MESSAGES.portIndex);

  const httpPath = HTTP_LIKE.includes(protocol) ? (c.path ?? d.path) : undefined;
  return compact({ ...base, path: httpPath, portIndex, port: c.port, ipProtocol });
}
