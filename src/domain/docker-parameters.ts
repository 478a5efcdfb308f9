/**
 * `container.docker.parameters`: Marathon passes them to `docker run` as `--key value`, which
 * makes every engine feature (devices, capabilities, the host's PID namespace, other networks)
 * one JSON field away from any app author. Drover accepts only a documented safe subset: options
 * that change what happens inside the container, never what it can reach on the host. Everything
 * else is a 422 at validation, so an app never gets placed only to fail on an agent.
 *
 * | key           | value                      | engine field                |
 * | ------------- | -------------------------- | --------------------------- |
 * | `label`       | `key=value`                | Config.Labels (`drover.*` reserved) |
 * | `env`         | `NAME=value`               | Config.Env (under the task's env) |
 * | `user`        | `name`, `uid`, `uid:gid`   | Config.User                 |
 * | `workdir`     | absolute path              | Config.WorkingDir           |
 * | `hostname`    | DNS name                   | Config.Hostname             |
 * | `entrypoint`  | one executable             | Config.Entrypoint           |
 * | `stop-signal` | `SIGTERM`, `SIGQUIT`, `15` | Config.StopSignal           |
 * | `init`        | `true` / `false`           | HostConfig.Init             |
 * | `read-only`   | `true` / `false`           | HostConfig.ReadonlyRootfs   |
 * | `tmpfs`       | `/path[:options]`          | HostConfig.Tmpfs            |
 * | `shm-size`    | `64m` (b, k, m, g)         | HostConfig.ShmSize          |
 * | `ulimit`      | `nofile=soft[:hard]` (nofile, nproc, core, stack, memlock) | HostConfig.Ulimits |
 *
 * `label`, `env`, `tmpfs` and `ulimit` may repeat; for the others the last one wins, as with the
 * docker CLI.
 */
import type { DockerParameter } from './app.js';
import { at, type Issues } from './validation-issues.js';

export interface DockerRunOptions {
  labels: Record<string, string>;
  env: Record<string, string>;
  user?: string;
  workdir?: string;
  hostname?: string;
  entrypoint?: string;
  stopSignal?: string;
  init?: boolean;
  readOnly?: boolean;
  tmpfs: Record<string, string>;
  shmSizeBytes?: number;
  ulimits: Array<{ name: string; soft: number; hard: number }>;
}

export const RESERVED_LABEL_PREFIX = 'drover.';
const ULIMITS = ['nofile', 'nproc', 'core', 'stack', 'memlock'];

type Apply = (opts: DockerRunOptions) => void;
/** A parsed value, or the message explaining why the value is not acceptable. */
type Rule = (value: string) => Apply | string;

const bool =
  (set: (o: DockerRunOptions, v: boolean) => void): Rule =>
  (value) =>
    value === 'true' || value === 'false' ? (o) => set(o, value === 'true') : 'must be true or false';

const RULES: Record<string, Rule> = {
  label: (value) => {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (key === '') return 'must be key=value';
    if (key.startsWith(RESERVED_LABEL_PREFIX))
      return `labels starting with '${RESERVED_LABEL_PREFIX}' are reserved`;
    return (o) => {
      o.labels[key] = eq < 0 ? '' : value.slice(eq + 1);
    };
  },
  env: (value) => {
    const eq = value.indexOf('=');
    const name = eq < 0 ? '' : value.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'must be NAME=value';
    return (o) => {
      o.env[name] = value.slice(eq + 1);
    };
  },
  user: (value) =>
    /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(value)
      ? (o) => {
          o.user = value;
        }
      : 'must be a user name or uid, optionally with :group',
  workdir: (value) =>
    value.startsWith('/')
      ? (o) => {
          o.workdir = value;
        }
      : 'must be an absolute path',
  hostname: (value) =>
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      value,
    )
      ? (o) => {
          o.hostname = value;
        }
      : 'must be a valid host name',
  entrypoint: (value) =>
    value.trim() !== ''
      ? (o) => {
          o.entrypoint = value;
        }
      : 'must not be empty',
  'stop-signal': (value) =>
    /^(SIG)?[A-Z][A-Z0-9+-]*$|^[0-9]{1,2}$/.test(value)
      ? (o) => {
          o.stopSignal = value;
        }
      : 'must be a signal name or number',
  init: bool((o, v) => {
    o.init = v;
  }),
  'read-only': bool((o, v) => {
    o.readOnly = v;
  }),
  tmpfs: (value) => {
    const colon = value.indexOf(':');
    const path = colon < 0 ? value : value.slice(0, colon);
    const options = colon < 0 ? '' : value.slice(colon + 1);
    if (!path.startsWith('/')) return 'must be /path[:options]';
    if (!/^[A-Za-z0-9=,._-]*$/.test(options))
      return 'tmpfs options may only hold letters, digits and = , . _ -';
    return (o) => {
      o.tmpfs[path] = options;
    };
  },
  'shm-size': (value) => {
    const m = /^([0-9]+)([bkmg]?)$/i.exec(value);
    if (!m) return 'must be a size such as 64m';
    const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()]!;
    return (o) => {
      o.shmSizeBytes = Number(m[1]) * unit;
    };
  },
  ulimit: (value) => {
    const m = /^([a-z]+)=([0-9]+)(?::([0-9]+))?$/.exec(value);
    if (!m || !ULIMITS.includes(m[1]!))
      return `must be name=soft[:hard] with name one of ${ULIMITS.join(', ')}`;
    const soft = Number(m[2]);
    const hard = m[3] === undefined ? soft : Number(m[3]);
    if (hard < soft) return 'hard limit must not be below the soft limit';
    return (o) => {
      o.ulimits = [...o.ulimits.filter((u) => u.name !== m[1]), { name: m[1]!, soft, hard }];
    };
  },
};

export const ALLOWED_DOCKER_PARAMETERS: readonly string[] = Object.keys(RULES).sort();

export const DOCKER_PARAMETER_MESSAGES = {
  notAllowed: (key: string) =>
    `docker parameter '${key}' is not allowed; allowed: ${ALLOWED_DOCKER_PARAMETERS.join(', ')}`,
} as const;

/** A leading `--` is accepted, as users copy flags from `docker run`. */
function ruleKey(key: string): string {
  return key.replace(/^--/, '');
}

/** Adds a problem for every parameter outside the safe subset or with a malformed value. */
export function checkDockerParameters(
  params: readonly DockerParameter[],
  path: string,
  issues: Issues,
): void {
  params.forEach((p, i) => {
    const rule = RULES[ruleKey(p.key)];
    if (!rule) {
      issues.add(`${at(path, i)}/key`, DOCKER_PARAMETER_MESSAGES.notAllowed(p.key));
      return;
    }
    const parsed = rule(p.value);
    if (typeof parsed === 'string') issues.add(`${at(path, i)}/value`, parsed);
  });
}

/**
 * The options a validated parameter list asks for. Throws on a parameter validation would have
 * refused: an agent must not run what the master should never have accepted.
 */
export function dockerRunOptions(params: readonly DockerParameter[]): DockerRunOptions {
  const opts: DockerRunOptions = { labels: {}, env: {}, tmpfs: {}, ulimits: [] };
  for (const p of params) {
    const rule = RULES[ruleKey(p.key)];
    if (!rule) throw new Error(DOCKER_PARAMETER_MESSAGES.notAllowed(p.key));
    const parsed = rule(p.value);
    if (typeof parsed === 'string') throw new Error(`docker parameter '${p.key}': ${parsed}`);
    parsed(opts);
  }
  return opts;
}
