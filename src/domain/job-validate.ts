/**
 * Parses a Chronos job body (POST /scheduler/iso8601 or /dependency): Chronos's field names and
 * defaults, every problem reported at once as a 400 with `{message, details}`. Read-only counters
 * and unknown fields are ignored, so a client posting back a stale GET cannot overwrite counters.
 */

import { parseDuration } from '../schedules/iso8601-duration.js';
import { scheduleError, scheduleTimeZoneError } from '../schedules/schedule.js';
import type { DockerParameter, FetchUri } from './app.js';
import { NETWORK_MESSAGES, secretVolume } from './app-networking.js';
import { checkDockerParameters } from './docker-parameters.js';
import { DroverError, type ErrorDetail } from './errors.js';
import { imageRefProblem } from './image-ref.js';
import type { EnvironmentVariable, JobConstraint, JobSpec } from './job.js';
import * as L from './limits.js';
import { Issues } from './validation-issues.js';

export const JOB_NAME_PATTERN = /^[\w.-]+$/;

export const JOB_DEFAULTS = {
  shell: true,
  epsilon: 'PT60S',
  retries: 2,
  cpus: 0.1,
  mem: 128,
  disk: 256,
  runAsUser: 'root',
  retryDelaySeconds: 60,
  retryBackoffFactor: 1,
} as const;

export type JobKind = 'iso8601' | 'dependency';

class Problems {
  readonly list: ErrorDetail[] = [];
  add(path: string, error: string): void {
    const found = this.list.find((d) => d.path === path);
    if (found) found.errors.push(error);
    else this.list.push({ path, errors: [error] });
  }
}

export function parseJob(input: unknown, kind: JobKind): JobSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new DroverError('BAD_REQUEST', 'A job must be a JSON object');
  const o = input as Record<string, unknown>;
  const p = new Problems();
  const str = (k: string, def = ''): string => {
    const v = o[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string') p.add(`/${k}`, 'expected a string');
    return typeof v === 'string' ? v : def;
  };
  const bool = (k: string, def: boolean): boolean => {
    const v = o[k];
    if (v === undefined || v === null) return def;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    p.add(`/${k}`, 'expected a boolean');
    return def;
  };
  const num = (k: string, def: number, min: number): number => {
    const v = o[k];
    if (v === undefined || v === null) return def;
    // Chronos accepted numbers as strings ("cpus": "0.5" in its own docker example).
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) {
      p.add(`/${k}`, 'expected a number');
      return def;
    }
    if (n < min) p.add(`/${k}`, `got ${n}, expected ${min} or more`);
    return n;
  };
  const strings = (k: string): string[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      p.add(`/${k}`, 'expected an array of strings');
      return [];
    }
    return v as string[];
  };

  const name = str('name');
  if (name === '') p.add('/name', 'must not be empty');
  else if (name.length > L.MAX_JOB_NAME_LENGTH)
    p.add('/name', `must be at most ${L.MAX_JOB_NAME_LENGTH} characters long`);
  else if (!JOB_NAME_PATTERN.test(name))
    p.add('/name', `the job's name is invalid. Allowed names: '${JOB_NAME_PATTERN.source}'`);
  const command = str('command');
  const shell = bool('shell', JOB_DEFAULTS.shell);
  if (command === '' && o.container === undefined) p.add('/command', 'must not be empty');

  const scheduleTimeZone = o.scheduleTimeZone === '' ? undefined : str('scheduleTimeZone') || undefined;
  let schedule: string | undefined;
  let parents: string[] = [];
  if (kind === 'iso8601') {
    schedule = str('schedule');
    const zoneError = scheduleTimeZoneError(scheduleTimeZone);
    if (zoneError) p.add('/scheduleTimeZone', zoneError);
    if (schedule === '') p.add('/schedule', 'a scheduled job needs a schedule');
    else if (!zoneError) {
      const err = scheduleError(schedule, scheduleTimeZone);
      if (err) p.add('/schedule', err);
    }
  } else {
    parents = [...new Set(strings('parents'))];
    if (parents.length === 0)
      p.add('/parents', 'Error, parent does not exist: a dependent job needs parents');
    if (parents.includes(name)) p.add('/parents', `a job cannot be its own parent`);
  }

  const epsilon = str('epsilon', JOB_DEFAULTS.epsilon) || JOB_DEFAULTS.epsilon;
  if (!parseDuration(epsilon)) p.add('/epsilon', `cannot parse epsilon '${epsilon}' as an ISO 8601 duration`);

  const retries = num('retries', JOB_DEFAULTS.retries, 0);
  if (!Number.isInteger(retries)) p.add('/retries', 'expected an integer');

  const uris = strings('uris');
  const fetch = parseFetch(o.fetch, p);
  if (uris.length > 0 && fetch.length > 0)
    p.add('/', `Tried to add both uri (deprecated) and fetch parameters on ${name}`);

  const webhookUrl = str('webhookUrl') || undefined;
  if (webhookUrl !== undefined && !/^https?:\/\//.test(webhookUrl))
    p.add('/webhookUrl', 'expected an http(s) URL');

  const secrets = parseSecrets(o.secrets, p);
  let container: Record<string, unknown> | undefined;
  if (o.container !== undefined && o.container !== null) {
    if (typeof o.container !== 'object' || Array.isArray(o.container))
      p.add('/container', 'expected an object');
    else {
      container = o.container as Record<string, unknown>;
      if (typeof container.image !== 'string' || container.image === '')
        p.add('/container/image', 'a container needs an image');
      else {
        const problem = imageRefProblem(container.image);
        if (problem !== undefined) p.add('/container/image', problem);
      }
      checkJobContainer(container, p);
      checkSecretVolumes(container, secrets, p);
    }
  }

  const spec: JobSpec = {
    name,
    command,
    shell,
    arguments: strings('arguments'),
    ...(schedule !== undefined && schedule !== '' ? { schedule } : {}),
    ...(scheduleTimeZone !== undefined ? { scheduleTimeZone } : {}),
    epsilon,
    parents,
    retries,
    owner: str('owner'),
    ownerName: str('ownerName'),
    description: str('description'),
    disabled: bool('disabled', false),
    concurrent: bool('concurrent', false),
    softError: bool('softError', false),
    highPriority: bool('highPriority', false),
    cpus: num('cpus', JOB_DEFAULTS.cpus, 0),
    mem: num('mem', JOB_DEFAULTS.mem, 0),
    disk: num('disk', JOB_DEFAULTS.disk, 0),
    environmentVariables: parseEnv(o.environmentVariables, secrets, p),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    uris,
    fetch,
    constraints: parseConstraints(o.constraints, p),
    ...(container ? { container } : {}),
    runAsUser: str('runAsUser', JOB_DEFAULTS.runAsUser) || JOB_DEFAULTS.runAsUser,
    maxCompletionTime: num('maxCompletionTime', 0, 0),
    executor: str('executor'),
    executorFlags: str('executorFlags'),
    taskInfoData: str('taskInfoData'),
    async: bool('async', false),
    dataProcessingJobType: bool('dataProcessingJobType', false),
    retryDelaySeconds: num('retryDelaySeconds', JOB_DEFAULTS.retryDelaySeconds, 0),
    retryBackoffFactor: num('retryBackoffFactor', JOB_DEFAULTS.retryBackoffFactor, 1),
    ...(webhookUrl ? { webhookUrl } : {}),
  };
  if (p.list.length > 0) throw invalidJob(p.list);
  return spec;
}

/** The job API's 400: the first problem in the message, every one in `details`. */
export function invalidJob(details: ErrorDetail[]): DroverError {
  const first = details[0]!;
  return new DroverError('BAD_REQUEST', `Invalid job: ${first.path} ${first.errors[0]}`, details);
}

/**
 * Chronos's `{name, value}` entries, and Drover's `{name, secret}` ones (a reference into the
 * job's `secrets`): exactly one of `value` and `secret`. A `value` left out is '' (Chronos).
 */
function parseEnv(v: unknown, secrets: JobSecrets, p: Problems): EnvironmentVariable[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add('/environmentVariables', 'expected an array of {name, value} or {name, secret}');
    return [];
  }
  if (v.length > L.MAX_ENV_ENTRIES) {
    p.add('/environmentVariables', `must not have more than ${L.MAX_ENV_ENTRIES} entries`);
    return [];
  }
  const out: EnvironmentVariable[] = [];
  v.forEach((e, i) => {
    const path = `/environmentVariables(${i})`;
    const r = e as Record<string, unknown> | null;
    if (
      !r ||
      typeof r.name !== 'string' ||
      r.name === '' ||
      (r.value !== undefined && typeof r.value !== 'string')
    )
      p.add(path, 'expected {name, value} strings');
    else if (r.secret !== undefined) {
      const ref = secretRef(r, path, secrets, p);
      if (ref !== undefined) out.push({ name: r.name, secret: ref });
    } else if (
      r.name.length > L.MAX_ENV_NAME_LENGTH ||
      ((r.value as string | undefined)?.length ?? 0) > L.MAX_ENV_VALUE_LENGTH
    )
      p.add(
        path,
        `name at most ${L.MAX_ENV_NAME_LENGTH} and value at most ${L.MAX_ENV_VALUE_LENGTH} characters long`,
      );
    else out.push({ name: r.name, value: (r.value as string | undefined) ?? '' });
  });
  return out;
}

/** The `secret` of an env entry that has one (its name already checked as a string). */
function secretRef(
  r: Record<string, unknown>,
  path: string,
  secrets: JobSecrets,
  p: Problems,
): string | undefined {
  if (r.value !== undefined) {
    p.add(path, 'give either value or secret, not both');
    return undefined;
  }
  if ((r.name as string).length > L.MAX_ENV_NAME_LENGTH) {
    p.add(`${path}/name`, `must be at most ${L.MAX_ENV_NAME_LENGTH} characters long`);
    return undefined;
  }
  if (typeof r.secret !== 'string' || r.secret === '') {
    p.add(`${path}/secret`, 'expected the name of a reference in secrets');
    return undefined;
  }
  if (!Object.hasOwn(secrets, r.secret)) {
    p.add(`${path}/secret`, NETWORK_MESSAGES.secretVolumeRef(r.secret));
    return undefined;
  }
  return r.secret;
}

type JobSecrets = NonNullable<JobSpec['secrets']>;

/** Marathon's `secrets: {ref: {source}}`: each `source` names a secret of `/v2/secrets`. */
function parseSecrets(v: unknown, p: Problems): JobSecrets {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    p.add('/secrets', 'expected an object of {"<ref>": {"source": "<secret name>"}}');
    return {};
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > L.MAX_ENV_ENTRIES) {
    p.add('/secrets', `must not have more than ${L.MAX_ENV_ENTRIES} entries`);
    return {};
  }
  const out: JobSecrets = {};
  for (const [ref, s] of entries) {
    const path = `/secrets/${ref}`;
    if (ref === '' || ref.length > L.MAX_ENV_NAME_LENGTH)
      p.add(path, `a reference name has 1-${L.MAX_ENV_NAME_LENGTH} characters`);
    else if (typeof s !== 'object' || s === null || Array.isArray(s))
      p.add(path, 'expected {"source": "<secret name>"}');
    else {
      const source = (s as Record<string, unknown>).source;
      if (typeof source !== 'string' || source === '' || source.length > L.MAX_ENV_NAME_LENGTH)
        p.add(`${path}/source`, 'expected the name of a secret (/v2/secrets/{name})');
      // A record with no prototype: a ref named `__proto__` is only a key.
      else Object.defineProperty(out, ref, { value: { source }, enumerable: true, writable: true });
    }
  }
  return out;
}

function parseFetch(v: unknown, p: Problems): FetchUri[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add('/fetch', 'expected an array');
    return [];
  }
  const out: FetchUri[] = [];
  v.forEach((e, i) => {
    const r = e as Record<string, unknown> | null;
    if (!r || typeof r.uri !== 'string' || r.uri === '') {
      p.add(`/fetch(${i})/uri`, 'expected a URI');
      return;
    }
    out.push({
      uri: r.uri,
      executable: r.executable === true,
      extract: r.extract !== false,
      cache: r.cache === true,
      ...(typeof r.outputFile === 'string' ? { outputFile: r.outputFile } : {}),
    });
  });
  return out;
}

const OPERATORS = new Set(['EQUALS', 'LIKE', 'UNLIKE']);

function parseConstraints(v: unknown, p: Problems): JobConstraint[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add('/constraints', 'expected an array of [attribute, operator, value]');
    return [];
  }
  const out: JobConstraint[] = [];
  v.forEach((c, i) => {
    const path = `/constraints(${i})`;
    if (!Array.isArray(c) || c.length !== 3 || c.some((x) => typeof x !== 'string')) {
      p.add(path, 'expected [attribute, operator, value]');
      return;
    }
    const [field, op, value] = c as [string, string, string];
    if (!OPERATORS.has(op)) {
      p.add(path, `unknown operator '${op}': expected EQUALS, LIKE or UNLIKE`);
      return;
    }
    if (op !== 'EQUALS') {
      try {
        new RegExp(value);
      } catch {
        p.add(path, `'${value}' is not a valid regular expression`);
        return;
      }
    }
    out.push([field, op as JobConstraint[1], value]);
  });
  return out;
}

/**
 * A job's container runs through the same docker executor as apps: the same network modes and
 * the same safe subset of docker parameters (docker-parameters.ts), refused here rather than by
 * the agent at run time.
 */
function checkJobContainer(c: Record<string, unknown>, p: Problems): void {
  if (c.network !== undefined && c.network !== null) {
    const ok =
      typeof c.network === 'string' && ['HOST', 'BRIDGE', 'NONE', 'USER'].includes(c.network.toUpperCase());
    if (!ok) p.add('/container/network', 'expected one of HOST, BRIDGE, NONE, USER');
  }
  if (c.parameters === undefined || c.parameters === null) return;
  const params = c.parameters;
  if (
    !Array.isArray(params) ||
    !params.every(
      (x) => typeof x === 'object' && x !== null && typeof x.key === 'string' && typeof x.value === 'string',
    )
  ) {
    p.add('/container/parameters', 'expected an array of {key, value} strings');
    return;
  }
  const issues = new Issues();
  checkDockerParameters(params as DockerParameter[], '/container/parameters', issues);
  for (const d of issues.details()) for (const e of d.errors) p.add(d.path, e);
}

/**
 * File secrets in a job's container, as in an app's Docker container (app-networking.ts):
 * `{"containerPath": ..., "secret": "<ref>"}`, the value as a 0400 file in the sandbox, bound
 * read-only at an absolute path. Host volumes are passed on as given.
 */
function checkSecretVolumes(c: Record<string, unknown>, secrets: JobSecrets, p: Problems): void {
  if (c.volumes === undefined || c.volumes === null) return;
  if (!Array.isArray(c.volumes)) {
    p.add('/container/volumes', 'expected an array');
    return;
  }
  const issues = new Issues();
  c.volumes.forEach((v: unknown, i) => {
    if (typeof v !== 'object' || v === null || !('secret' in v)) return;
    const vol = v as Record<string, unknown>;
    const path = `/container/volumes(${i})`;
    if (typeof vol.secret !== 'string' || vol.secret === '')
      issues.add(`${path}/secret`, 'expected the name of a reference in secrets');
    else if (typeof vol.containerPath !== 'string' || vol.containerPath === '')
      issues.add(`${path}/containerPath`, 'a secret volume needs a containerPath');
    else secretVolume(vol as { containerPath: string }, vol.secret, true, Object.keys(secrets), path, issues);
  });
  for (const d of issues.details()) for (const e of d.errors) p.add(d.path, e);
}
