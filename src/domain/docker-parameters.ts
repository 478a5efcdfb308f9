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
import { type DockerRunOptions, RULES, ruleKey } from './docker-parameter-rules.js';
import { at, type Issues } from './validation-issues.js';

export type { DockerRunOptions } from './docker-parameter-rules.js';

export const ALLOWED_DOCKER_PARAMETERS: readonly string[] = Object.keys(RULES).sort();

export const DOCKER_PARAMETER_MESSAGES = {
  notAllowed: (key: string) =>
    `docker parameter '${key}' is not supported; supported: ${ALLOWED_DOCKER_PARAMETERS.join(', ')}`,
} as const;

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
