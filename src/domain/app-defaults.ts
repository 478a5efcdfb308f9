/**
 * Marathon 1.x defaults for everything an app definition may leave out. One table, so the README,
 * the normaliser and the tests agree. Where Marathon versions disagree the choice is noted.
 */
import type {
  HealthCheck,
  PortDefinition,
  ReadinessCheck,
  UnreachableStrategy,
  UpgradeStrategy,
} from './app.js';

export const APP_DEFAULTS = {
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  instances: 1,
  // The RAML documents "//cmd", but Marathon stores and returns "" (AppDefinition.DefaultExecutor).
  executor: '',
  backoffSeconds: 1,
  backoffFactor: 1.15,
  // The RAML and Marathon 1.0-1.6 say 3600; 1.7+ (docs/backoff.md, AppDefinition) and DESIGN.md use 300.
  maxLaunchDelaySeconds: 300,
  requirePorts: false,
  killSelection: 'YOUNGEST_FIRST',
} as const;

/** One random host port, as Marathon gives an app that says nothing about ports. */
export function defaultPortDefinitions(): PortDefinition[] {
  return [{ port: 0, protocol: 'tcp' }];
}

export function defaultUpgradeStrategy(): UpgradeStrategy {
  return { minimumHealthCapacity: 1, maximumOverCapacity: 1 };
}

/**
 * An app that says nothing: replace an unreachable task at once and forget it at once. Marathon
 * 1.4.6+ (`UnreachableEnabled.DefaultInactiveAfter` 0 s; its MigrationTo146 rewrote the 1.4.0
 * 300/600 to 0/0). Resident apps would default to "disabled"; Drover has none (residency is a 422).
 */
export const UNREACHABLE_DEFAULTS: UnreachableStrategy = {
  inactiveAfterSeconds: 0,
  expungeAfterSeconds: 0,
};

/**
 * A field left out of a given strategy object takes the RAML's per-field default (5 and 10
 * minutes), as Marathon's generated UnreachableEnabled does: `{inactiveAfterSeconds: 60}` means
 * 60/600, not an invalid 60/0.
 */
export const UNREACHABLE_FIELD_DEFAULTS: UnreachableStrategy = {
  inactiveAfterSeconds: 300,
  expungeAfterSeconds: 600,
};

export const HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  path: '/',
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  ignoreHttp1xx: false,
  delaySeconds: 15,
} as const satisfies Partial<HealthCheck>;

export const READINESS_CHECK_DEFAULTS = {
  name: 'readinessCheck',
  protocol: 'HTTP',
  path: '/',
  portName: 'http-api',
  intervalSeconds: 30,
  timeoutSeconds: 10,
  httpStatusCodesForReady: [200],
  preserveLastResponse: false,
} as const satisfies Partial<ReadinessCheck>;

/** Marathon's `--local_port_min` / `--local_port_max`: where service ports come from. */
export const SERVICE_PORT_RANGE = { min: 10000, max: 20000 } as const;

/** Ids that would clash with the `/v2/apps/{id}/...` sub-resources. */
export const RESERVED_ID_SEGMENTS = ['restart', 'tasks', 'versions'] as const;
