/**
 * `container.docker.parameters`: Marathon passes them to `docker run` as `--key value`. Drover
 * maps every `docker run` flag that has an Engine API field (the table below) and refuses any
 * other key with a 422 naming the key and this list, so an app is never placed only to fail on an
 * agent. Keys that may repeat accumulate as the docker CLI does; for the others the last wins.
 *
 * | key | engine field | repeat |
 * | --- | --- | --- |
 * | `label` `key=value` (`drover.*` reserved) | Config.Labels | yes |
 * | `env` `NAME=value` | Config.Env (under the task's env) | yes |
 * | `user`, `workdir`, `hostname`, `entrypoint`, `stop-signal`, `mac-address` | Config.* | |
 * | `stop-timeout` seconds | Config.StopTimeout | |
 * | `init`, `read-only` true/false | HostConfig.Init, ReadonlyRootfs | |
 * | `tmpfs` `/path[:opts]`, `ulimit` `name=soft[:hard]`, `sysctl` `k=v` | HostConfig.Tmpfs, Ulimits, Sysctls | yes |
 * | `shm-size`, `memory-swap` (or -1), `memory-reservation` sizes | HostConfig.ShmSize, MemorySwap, MemoryReservation | |
 * | `cpu-shares`, `cpuset-cpus`, `pids-limit`, `oom-score-adj` | HostConfig.* | |
 * | `add-host` `name:ip` | HostConfig.ExtraHosts | yes |
 * | `dns`, `dns-search`, `dns-option` | HostConfig.Dns, DnsSearch, DnsOptions | yes |
 * | `log-driver`; `log-opt` `k=v` | HostConfig.LogConfig | log-opt |
 * | `volume` `src:dst[:opts]` or `dst`; `volume-driver` | HostConfig.Binds, VolumeDriver | volume |
 * | `group-add` | HostConfig.GroupAdd | yes |
 * | `network-alias` | NetworkingConfig aliases (user networks) | yes |
 * | `cap-add`, `cap-drop` | HostConfig.CapAdd, CapDrop | yes |
 * | `device` `/dev/x[:/dev/y[:rwm]]` | HostConfig.Devices | yes |
 * | `security-opt` | HostConfig.SecurityOpt | yes |
 * | `pid`, `ipc` | HostConfig.PidMode, IpcMode | |
 *
 * Parameters that widen what a container reaches on the host (`hostWideningParameters`): cap-add,
 * device, a security-opt with `unconfined`, pid/ipc `host`, a volume of `/` or the Docker socket.
 * Like `privileged`, they place the app only on agents started with `--allow-privileged`; on
 * others it waits in /v2/queue with the reason.
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
  stopTimeout?: number;
  macAddress?: string;
  extraHosts: string[];
  capAdd: string[];
  capDrop: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  logDriver?: string;
  logOpts: Record<string, string>;
  volumes: Array<{ source?: string; target: string; options: string }>;
  volumeDriver?: string;
  devices: Array<{ host: string; container: string; permissions: string }>;
  memorySwapBytes?: number;
  memoryReservationBytes?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  securityOpts: string[];
  sysctls: Record<string, string>;
  networkAliases: string[];
  pid?: string;
  ipc?: string;
  oomScoreAdj?: number;
  groupAdd: string[];
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

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseSize(value: string): number | undefined {
  const m = /^([0-9]+)([bkmg]?)$/i.exec(value);
  return m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : undefined;
}

const size =
  (set: (o: DockerRunOptions, v: number) => void, allowMinusOne = false): Rule =>
  (value) => {
    if (allowMinusOne && value === '-1') return (o) => set(o, -1);
    const n = parseSize(value);
    return n === undefined ? 'must be a size such as 64m' : (o) => set(o, n);
  };

const integer =
  (min: number, max: number, set: (o: DockerRunOptions, v: number) => void): Rule =>
  (value) => {
    const n = /^-?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    return n >= min && n <= max ? (o) => set(o, n) : `must be a whole number from ${min} to ${max}`;
  };

/** A repeatable flag whose values accumulate, each checked by `ok`. */
const list =
  (pick: (o: DockerRunOptions) => string[], ok: RegExp, message: string): Rule =>
  (value) =>
    ok.test(value) ? (o) => void pick(o).push(value) : message;

const keyValue =
  (pick: (o: DockerRunOptions) => Record<string, string>, key: RegExp): Rule =>
  (value) => {
    const eq = value.indexOf('=');
    if (eq <= 0 || !key.test(value.slice(0, eq))) return 'must be key=value';
    return (o) => {
      pick(o)[value.slice(0, eq)] = value.slice(eq + 1);
    };
  };

const word =
  (set: (o: DockerRunOptions, v: string) => void, ok: RegExp, message: string): Rule =>
  (value) =>
    ok.test(value) ? (o) => set(o, value) : message;

const CAPABILITY = /^(CAP_)?[A-Z_]+$|^ALL$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

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
  'shm-size': size((o, v) => {
    o.shmSizeBytes = v;
  }),
  'memory-swap': size((o, v) => {
    o.memorySwapBytes = v;
  }, true),
  'memory-reservation': size((o, v) => {
    o.memoryReservationBytes = v;
  }),
  'stop-timeout': integer(0, 86_400, (o, v) => {
    o.stopTimeout = v;
  }),
  'cpu-shares': integer(2, 262_144, (o, v) => {
    o.cpuShares = v;
  }),
  'pids-limit': integer(-1, 4_194_304, (o, v) => {
    o.pidsLimit = v;
  }),
  'oom-score-adj': integer(-1000, 1000, (o, v) => {
    o.oomScoreAdj = v;
  }),
  'cpuset-cpus': word(
    (o, v) => {
      o.cpusetCpus = v;
    },
    /^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/,
    'must be a CPU list such as 0-3,5',
  ),
  'mac-address': word(
    (o, v) => {
      o.macAddress = v;
    },
    /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/,
    'must be a MAC address such as 02:42:ac:11:00:02',
  ),
  'add-host': list((o) => o.extraHosts, /^[A-Za-z0-9.-]+:[0-9A-Fa-f.:]+$/, 'must be host:ip'),
  'cap-add': list((o) => o.capAdd, CAPABILITY, 'must be a capability name such as NET_ADMIN'),
  'cap-drop': list((o) => o.capDrop, CAPABILITY, 'must be a capability name such as NET_RAW'),
  dns: list((o) => o.dns, /^[0-9A-Fa-f.:]+$/, 'must be an IP address'),
  'dns-search': list((o) => o.dnsSearch, /^[A-Za-z0-9.-]+$/, 'must be a domain name'),
  'dns-option': list(
    (o) => o.dnsOptions,
    /^[A-Za-z0-9_:.-]+$/,
    'must be a resolv.conf option such as ndots:2',
  ),
  'group-add': list((o) => o.groupAdd, /^[A-Za-z0-9_.-]+$/, 'must be a group name or gid'),
  'network-alias': list((o) => o.networkAliases, /^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'must be a DNS name'),
  'security-opt': list(
    (o) => o.securityOpts,
    /^[a-z-]+([=:].+)?$/,
    'must be name[=value] such as no-new-privileges',
  ),
  'log-driver': word(
    (o, v) => {
      o.logDriver = v;
    },
    NAME,
    'must be a log driver name',
  ),
  'log-opt': keyValue((o) => o.logOpts, /^[A-Za-z0-9_.-]+$/),
  sysctl: keyValue((o) => o.sysctls, /^[a-z0-9_.]+$/),
  'volume-driver': word(
    (o, v) => {
      o.volumeDriver = v;
    },
    NAME,
    'must be a volume driver name',
  ),
  volume: (value) => {
    const parts = value.split(':');
    if (parts.length > 3 || parts.some((p) => p === '')) return 'must be [source:]/container/path[:options]';
    const [a, b, c] = parts as [string, string?, string?];
    const target = b ?? a;
    if (!target.startsWith('/')) return 'the container path must be absolute';
    if (b !== undefined && !a.startsWith('/') && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(a))
      return 'the source must be an absolute host path or a volume name';
    const options = c ?? '';
    if (!/^[a-zA-Z,]*$/.test(options)) return 'options must be like ro or rw,z';
    return (o) => {
      o.volumes.push({ ...(b !== undefined ? { source: a } : {}), target, options });
    };
  },
  device: (value) => {
    const [host, container, permissions, ...rest] = value.split(':');
    if (rest.length > 0 || !host?.startsWith('/')) return 'must be /dev/host[:/dev/container[:rwm]]';
    if (container !== undefined && !container.startsWith('/')) return 'the container path must be absolute';
    if (permissions !== undefined && !/^[rwm]{1,3}$/.test(permissions))
      return 'permissions must be some of rwm';
    return (o) => {
      o.devices.push({ host, container: container ?? host, permissions: permissions ?? 'rwm' });
    };
  },
  pid: word(
    (o, v) => {
      o.pid = v;
    },
    /^(host|container:[A-Za-z0-9_.-]+)$/,
    'must be host or container:<name>',
  ),
  ipc: word(
    (o, v) => {
      o.ipc = v;
    },
    /^(host|private|shareable|none|container:[A-Za-z0-9_.-]+)$/,
    'must be host, private, shareable, none or container:<name>',
  ),
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

/** `docker run` spells some flags two ways. */
const ALIASES: Record<string, string> = {
  'dns-opt': 'dns-option',
  'net-alias': 'network-alias',
  w: 'workdir',
  u: 'user',
  h: 'hostname',
  l: 'label',
  e: 'env',
  v: 'volume',
};

export const ALLOWED_DOCKER_PARAMETERS: readonly string[] = Object.keys(RULES).sort();

export const DOCKER_PARAMETER_MESSAGES = {
  notAllowed: (key: string) =>
    `docker parameter '${key}' is not supported; supported: ${ALLOWED_DOCKER_PARAMETERS.join(', ')}`,
} as const;

/** A leading `--` is accepted, as users copy flags from `docker run`. */
function ruleKey(key: string): string {
  const k = key.replace(/^--?/, '');
  return ALIASES[k] ?? k;
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
  const opts: DockerRunOptions = {
    labels: {},
    env: {},
    tmpfs: {},
    ulimits: [],
    extraHosts: [],
    capAdd: [],
    capDrop: [],
    dns: [],
    dnsSearch: [],
    dnsOptions: [],
    logOpts: {},
    volumes: [],
    devices: [],
    securityOpts: [],
    sysctls: {},
    networkAliases: [],
    groupAdd: [],
  };
  for (const p of params) {
    const rule = RULES[ruleKey(p.key)];
    if (!rule) throw new Error(DOCKER_PARAMETER_MESSAGES.notAllowed(p.key));
    const parsed = rule(p.value);
    if (typeof parsed === 'string') throw new Error(`docker parameter '${p.key}': ${parsed}`);
    parsed(opts);
  }
  return opts;
}

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run'];

/**
 * The parameters (as `key=value`) that widen what the container reaches on the host, so the app
 * needs an agent started with `--allow-privileged`. Validated parameters only.
 */
export function hostWideningParameters(params: readonly DockerParameter[]): string[] {
  const out: string[] = [];
  for (const p of params) {
    const key = ruleKey(p.key);
    const v = p.value;
    const widens =
      key === 'cap-add' ||
      key === 'device' ||
      (key === 'security-opt' && v.includes('unconfined')) ||
      ((key === 'pid' || key === 'ipc') && v === 'host') ||
      (key === 'volume' && v.includes(':') && isHostRootOrSocket(v.split(':')[0]!));
    if (widens) out.push(`${key}=${v}`);
  }
  return out;
}

function isHostRootOrSocket(source: string): boolean {
  const path = source.replace(/\/+$/, '') || '/';
  return path === '/' || DOCKER_SOCKETS.includes(path);
}
