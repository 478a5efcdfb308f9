/**
 * The engine fields for the `docker run` flags of domain/docker-parameters.ts that go beyond the
 * original safe subset (container-config.ts applies the rest): host entries, DNS, logging,
 * capabilities, devices, limits, namespaces, sysctls, aliases. Parameters that widen what a task
 * reaches on the host are refused here too unless the agent allows privileged containers: the
 * master places such apps only on those agents, and an agent must not trust that alone.
 */
import type { DockerParameter } from '../../../domain/app.js';
import { type DockerRunOptions, hostWideningParameters } from '../../../domain/docker-parameters.js';

const omitEmpty = <T>(key: string, value: T[] | Record<string, string>): Record<string, unknown> =>
  (Array.isArray(value) ? value.length : Object.keys(value).length) > 0 ? { [key]: value } : {};

const defined = (key: string, value: unknown): Record<string, unknown> =>
  value !== undefined ? { [key]: value } : {};

export function checkHostWidening(params: readonly DockerParameter[], allowPrivileged: boolean): void {
  const widening = hostWideningParameters(params);
  if (widening.length > 0 && !allowPrivileged) {
    throw new Error(`Docker parameters ${widening.join(', ')} need an agent started with --allow-privileged`);
  }
}

/** Config (top-level) fields. */
export function runConfigFields(p: DockerRunOptions): Record<string, unknown> {
  return { ...defined('StopTimeout', p.stopTimeout), ...defined('MacAddress', p.macAddress) };
}

/** HostConfig fields; volumes are bound by the caller (they go through the host path policy). */
export function runHostConfigFields(p: DockerRunOptions): Record<string, unknown> {
  return {
    ...omitEmpty('ExtraHosts', p.extraHosts),
    ...omitEmpty('CapAdd', p.capAdd),
    ...omitEmpty('CapDrop', p.capDrop),
    ...omitEmpty('Dns', p.dns),
    ...omitEmpty('DnsSearch', p.dnsSearch),
    ...omitEmpty('DnsOptions', p.dnsOptions),
    ...(p.logDriver !== undefined || Object.keys(p.logOpts).length > 0
      ? { LogConfig: { Type: p.logDriver ?? 'json-file', Config: p.logOpts } }
      : {}),
    ...defined('VolumeDriver', p.volumeDriver),
    ...(p.devices.length > 0
      ? {
          Devices: p.devices.map((d) => ({
            PathOnHost: d.host,
            PathInContainer: d.container,
            CgroupPermissions: d.permissions,
          })),
        }
      : {}),
    ...defined('MemorySwap', p.memorySwapBytes),
    ...defined('MemoryReservation', p.memoryReservationBytes),
    ...defined('CpuShares', p.cpuShares),
    ...defined('CpusetCpus', p.cpusetCpus),
    ...defined('PidsLimit', p.pidsLimit),
    ...omitEmpty('SecurityOpt', p.securityOpts),
    ...omitEmpty('Sysctls', p.sysctls),
    ...defined('PidMode', p.pid),
    ...defined('IpcMode', p.ipc),
    ...defined('OomScoreAdj', p.oomScoreAdj),
    ...omitEmpty('GroupAdd', p.groupAdd),
  };
}

/** Aliases apply on a user-defined network only (the engine refuses them on the default bridge). */
export function networkingConfig(p: DockerRunOptions, network: string | undefined): Record<string, unknown> {
  if (network === undefined || p.networkAliases.length === 0) return {};
  return { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: p.networkAliases } } } };
}
