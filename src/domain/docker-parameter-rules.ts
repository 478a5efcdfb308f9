/**
 * Which value each `docker run` flag of `container.docker.parameters` takes and what it sets in
 * the engine options (DockerRunOptions): one rule per flag, parsing the value or saying why it is
 * not acceptable. docker-parameters.ts checks parameter lists against these rules and builds the
 * options from them; the table of flags and engine fields is there.
 */
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

export const RULES: Record<string, Rule> = {
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

/** A leading `--` is accepted, as users copy flags from `docker run`. */
export function ruleKey(key: string): string {
  const k = key.replace(/^--?/, '');
  return ALIASES[k] ?? k;
}
