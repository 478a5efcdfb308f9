/**
 * From a schema-valid Marathon app input to the AppSpec Drover stores: every default filled in,
 * deprecated fields translated, ids absolute, and every cross-field rule checked. Problems are
 * collected in `issues` rather than thrown, so one response lists them all.
 */
import type { AppSpec, UnreachableStrategy } from './app.js';
import {
  APP_DEFAULTS,
  defaultUpgradeStrategy,
  UNREACHABLE_DEFAULTS,
  UNREACHABLE_FIELD_DEFAULTS,
} from './app-defaults.js';
import { normalizeFetch } from './app-fetch.js';
import { parentGroup, resolveAppId } from './app-id.js';
import { normalizeNetworking } from './app-networking.js';
import { normalizePortDefinitions } from './app-ports.js';
import type { AppInput } from './app-schema.js';
import { normalizeConstraints } from './constraint-rules.js';
import { normalizeHealthChecks } from './health-checks.js';
import { checkKillDrainLabel } from './kill-timing.js';
import { normalizeReadinessChecks } from './readiness-checks.js';
import { at, type Issues } from './validation-issues.js';

export const APP_MESSAGES = {
  cmdArgsContainer: "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.",
  envSecret: 'use of secret-references in the environment requires the secrets feature to be enabled',
  secrets: 'secrets are not supported by Drover (the Marathon secrets feature is not enabled)',
  gpuDocker: 'GPU resources only work with the Mesos containerizer',
  residency: 'App must contain persistent volumes and define residency',
  executor: "must fully match regular expression '^(//cmd)|(/?[^/]+(/[^/]+)*)|$'",
  unreachable: (inactive: number, expunge: number) =>
    `inactiveAfterSeconds (${inactive}) must be less or equal to expungeAfterSeconds, which is ${expunge}`,
} as const;

// Marathon applies its pattern with Java's full-match semantics, so anchor the whole alternation.
const EXECUTOR = /^(?:\/\/cmd|\/?[^/]+(?:\/[^/]+)*|)$/;

export interface NormalizeOptions {
  /** Group that relative ids are resolved against; `/` unless the app sits in a group. */
  baseId?: string;
}

export function normalizeApp(input: AppInput, issues: Issues, opts: NormalizeOptions = {}): AppSpec {
  const resolved = resolveAppId(input.id, opts.baseId ?? '/');
  if (!resolved.ok) for (const e of resolved.errors) issues.add('/id', e);
  const id = resolved.ok ? resolved.id : input.id;

  const { networks, container, host } = normalizeNetworking(input, issues);
  const portDefinitions = normalizePortDefinitions(input, host, issues);
  const mappings = container?.portMappings ?? [];
  const ports = mappings.length > 0 ? mappings : portDefinitions;
  const docker = container?.type === 'DOCKER';

  const args = input.args && input.args.length > 0 ? input.args : undefined;
  const hasImage = container?.docker !== undefined;
  if (!((input.cmd !== undefined) !== (args !== undefined) || (!(input.cmd && args) && hasImage))) {
    issues.add('/', APP_MESSAGES.cmdArgsContainer);
  }
  const gpus = input.gpus ?? APP_DEFAULTS.gpus;
  if (gpus > 0 && docker) issues.add('/', APP_MESSAGES.gpuDocker);
  if (input.executor !== undefined && !EXECUTOR.test(input.executor))
    issues.add('/executor', APP_MESSAGES.executor);
  if (Object.keys(input.secrets ?? {}).length > 0) issues.add('/secrets', APP_MESSAGES.secrets);
  if (input.residency) issues.add('/', APP_MESSAGES.residency);
  checkKillDrainLabel(input.labels ?? {}, issues);

  return {
    id,
    ...(input.cmd !== undefined ? { cmd: input.cmd } : {}),
    ...(args ? { args } : {}),
    ...(input.user !== undefined ? { user: input.user } : {}),
    env: normalizeEnv(input.env ?? {}, issues),
    instances: input.instances ?? APP_DEFAULTS.instances,
    cpus: input.cpus ?? APP_DEFAULTS.cpus,
    mem: input.mem ?? APP_DEFAULTS.mem,
    disk: input.disk ?? APP_DEFAULTS.disk,
    gpus,
    executor: input.executor ?? APP_DEFAULTS.executor,
    constraints: normalizeConstraints(input.constraints ?? [], issues),
    uris: [],
    fetch: normalizeFetch(input, issues),
    storeUrls: input.storeUrls ?? [],
    backoffSeconds: input.backoffSeconds ?? APP_DEFAULTS.backoffSeconds,
    backoffFactor: input.backoffFactor ?? APP_DEFAULTS.backoffFactor,
    maxLaunchDelaySeconds: input.maxLaunchDelaySeconds ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    ...(container ? { container } : {}),
    networks,
    healthChecks: normalizeHealthChecks(
      input.healthChecks ?? [],
      { portCount: ports.length, docker },
      issues,
    ),
    readinessChecks: normalizeReadinessChecks(
      input.readinessChecks ?? [],
      new Set(ports.flatMap((p) => (p.name === undefined ? [] : [p.name]))),
      issues,
    ),
    dependencies: normalizeDependencies(input.dependencies ?? [], parentGroup(id), issues),
    upgradeStrategy: { ...defaultUpgradeStrategy(), ...input.upgradeStrategy },
    labels: input.labels ?? {},
    ...(input.acceptedResourceRoles && input.acceptedResourceRoles.length > 0
      ? { acceptedResourceRoles: [...new Set(input.acceptedResourceRoles)] }
      : {}),
    portDefinitions,
    // Marathon ignores requirePorts unless the app uses host networking.
    requirePorts: host ? (input.requirePorts ?? APP_DEFAULTS.requirePorts) : false,
    killSelection: input.killSelection ?? APP_DEFAULTS.killSelection,
    unreachableStrategy: normalizeUnreachable(input.unreachableStrategy, issues),
    ...(input.taskKillGracePeriodSeconds !== undefined
      ? { taskKillGracePeriodSeconds: input.taskKillGracePeriodSeconds }
      : {}),
    ...(input.tty !== undefined ? { tty: input.tty } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
  };
}

function normalizeEnv(env: NonNullable<AppInput['env']>, issues: Issues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') out[name] = value;
    else issues.add(`/env/${name}`, APP_MESSAGES.envSecret);
  }
  return out;
}

/** Dependencies name apps or groups; relative ones are relative to the app's own group. */
function normalizeDependencies(deps: readonly string[], group: string, issues: Issues): string[] {
  const out = new Set<string>();
  deps.forEach((dep, i) => {
    const r = resolveAppId(dep, group);
    if (r.ok) out.add(r.id);
    else for (const e of r.errors) issues.add(at('/dependencies', i), e);
  });
  return [...out];
}

function normalizeUnreachable(
  given: AppInput['unreachableStrategy'],
  issues: Issues,
): UnreachableStrategy | 'disabled' {
  if (given === 'disabled') return 'disabled';
  if (given === undefined) return { ...UNREACHABLE_DEFAULTS };
  const s = { ...UNREACHABLE_FIELD_DEFAULTS, ...given };
  if (s.inactiveAfterSeconds > s.expungeAfterSeconds) {
    issues.add(
      '/unreachableStrategy/inactiveAfterSeconds',
      APP_MESSAGES.unreachable(s.inactiveAfterSeconds, s.expungeAfterSeconds),
    );
  }
  return s;
}
