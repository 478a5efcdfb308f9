/**
 * Which networks an app joins and what its container looks like. Marathon 1.5 moved networking
 * from `container.docker.network` and `ipAddress` to `networks`; both spellings are accepted and
 * translated as Marathon's NetworkTranslation does. `docker.network` is kept as given (the docker
 * executor may read it) and a `networks` equal to its translation is accepted beside it, so a
 * stored definition validates again unchanged.
 */
import { compact } from './absent-fields.js';
import type { Container, NetworkSpec, PortMapping, Volume } from './app.js';
import { jsonEqual } from './app-equality.js';
import { normalizePortMappings, PORT_MESSAGES } from './app-ports.js';
import type { AppInput } from './app-schema.js';
import { checkDockerParameters } from './docker-parameters.js';
import { imageRefProblem } from './image-ref.js';
import { at, type Issues } from './validation-issues.js';

export const NETWORK_MESSAGES = {
  dockerNetworkAndNetworks: 'must not specify both container.docker.network and networks',
  networksAndIpAddress: 'must not specify both networks and ipAddress',
  ipAddressAndPorts: 'cannot specify both an IP address and port',
  discoveryWithDocker: 'ipAddress/discovery is not allowed for Docker containers',
  discoveryAndMappings: 'container.portMappings and ipAddress.discovery.ports must not both be set',
  hostMixed: 'host networking cannot be combined with other networks',
  hostName: 'must not be set for host networking',
  oneBridge: 'at most one container/bridge network may be given',
  dockerOneContainerNetwork:
    'may only specify a single container network when using the Docker container engine',
  mappingsWithoutNetwork: 'portMappings need a network; docker network NONE has none',
  bothMappings: 'cannot specify both portMappings and docker.portMappings',
  dockerMissing: 'not defined',
  hostPathMissing: 'not defined',
  unsupportedVolume: (kind: string) => `${kind} volumes are not supported by Drover`,
  containerNetworkName:
    'a container network needs a name: Drover has no default network (docker network ls lists the names)',
  dockerContainerPath: 'must be an absolute path in a Docker container',
  volumeMode: 'not defined: RO or RW',
  secretVolumeRef: (ref: string) => `references secret '${ref}', which is not declared in secrets`,
  secretVolumeMixed: 'a secret volume has no hostPath, mode, persistent or external',
  secretVolumePath:
    'a secret file lives in the sandbox: give a relative path without ".." (absolute paths only in Docker containers)',
  /** Marathon's validOldContainerAPI for MESOS containers with a docker image (accord's wording). */
  mustBeEmpty: 'must be empty',
} as const;

export interface Networking {
  networks: NetworkSpec[];
  container?: Container;
  /** True when the app uses the agent's network: host ports come from portDefinitions. */
  host: boolean;
}

/** What a Marathon 1.4 `docker.network` (and `ipAddress.networkName`) means in `networks`. */
function translateDockerNetwork(network: string, ipNetworkName?: string): NetworkSpec[] {
  if (network === 'HOST') return [{ mode: 'host' }];
  if (network === 'BRIDGE') return [{ mode: 'container/bridge' }];
  if (network === 'USER') return [compact({ mode: 'container' as const, name: ipNetworkName })];
  return [];
}

export function normalizeNetworking(input: AppInput, issues: Issues): Networking {
  const dockerNetwork = input.container?.docker?.network;
  const ip = input.ipAddress;
  const given = input.networks?.map((n) =>
    compact({ mode: n.mode ?? 'container', name: n.name, labels: n.labels }),
  );

  if (given && ip) issues.add('/', NETWORK_MESSAGES.networksAndIpAddress);
  let networks: NetworkSpec[];
  if (dockerNetwork) {
    const translated = translateDockerNetwork(dockerNetwork, ip?.networkName);
    // USER names its network elsewhere (ipAddress.networkName), so any one container network agrees.
    const agrees =
      dockerNetwork === 'USER'
        ? given?.length === 1 && given[0]?.mode === 'container'
        : jsonEqual(given, translated);
    const explicit = given !== undefined && given.length > 0;
    if (explicit && !agrees) issues.add('/', NETWORK_MESSAGES.dockerNetworkAndNetworks);
    networks = explicit && agrees ? given : translated;
  } else if (given && given.length > 0) {
    networks = given;
  } else if (ip) {
    networks = [compact({ mode: 'container' as const, name: ip.networkName, labels: ip.labels })];
  } else {
    networks = [{ mode: 'host' }];
  }
  checkNetworks(networks, input, issues);
  const host = networks.some((n) => n.mode === 'host');
  if (ip && ((input.ports?.length ?? 0) > 0 || (input.portDefinitions?.length ?? 0) > 0)) {
    issues.add('/', NETWORK_MESSAGES.ipAddressAndPorts);
  }
  const container = normalizeContainer(input, networks, host, issues);
  return container ? { networks, container, host } : { networks, host };
}

function checkNetworks(networks: NetworkSpec[], input: AppInput, issues: Issues): void {
  const hosts = networks.filter((n) => n.mode === 'host').length;
  if (hosts > 0 && networks.length > 1) issues.add('/networks', NETWORK_MESSAGES.hostMixed);
  if (networks.filter((n) => n.mode === 'container/bridge').length > 1) {
    issues.add('/networks', NETWORK_MESSAGES.oneBridge);
  }
  networks.forEach((n, i) => {
    if (n.mode === 'host' && n.name !== undefined)
      issues.add(`${at('/networks', i)}/name`, NETWORK_MESSAGES.hostName);
  });
  const containerNetworks = networks.filter((n) => n.mode === 'container').length;
  const docker = (input.container?.type ?? 'DOCKER') === 'DOCKER' && input.container !== undefined;
  if (docker && containerNetworks > 1) issues.add('/', NETWORK_MESSAGES.dockerOneContainerNetwork);
  // The docker executor joins the named engine network; with no name (and no default network)
  // every launch would fail on the agent. Process tasks ignore networks, so only Docker is held to it.
  if (docker) {
    networks.forEach((n, i) => {
      if (n.mode !== 'container' || n.name !== undefined) return;
      const path =
        input.networks && input.networks.length > 0
          ? `${at('/networks', i)}/name`
          : input.ipAddress
            ? '/ipAddress/networkName'
            : '/container/docker/network';
      issues.add(path, NETWORK_MESSAGES.containerNetworkName);
    });
  }
}

function normalizeContainer(
  input: AppInput,
  networks: NetworkSpec[],
  host: boolean,
  issues: Issues,
): Container | undefined {
  const discovery = input.ipAddress?.discovery?.ports ?? [];
  const c = input.container ?? (input.ipAddress ? { type: 'MESOS' as const } : undefined);
  if (!c) return undefined;
  const type = c.type ?? 'DOCKER';
  if (type === 'DOCKER' && !c.docker) issues.add('/container/docker', NETWORK_MESSAGES.dockerMissing);
  if (type === 'DOCKER' && discovery.length > 0)
    issues.add('/ipAddress', NETWORK_MESSAGES.discoveryWithDocker);

  const dockerMappings = c.docker?.portMappings ?? [];
  if ((c.portMappings?.length ?? 0) > 0 && dockerMappings.length > 0) {
    issues.add('/container', NETWORK_MESSAGES.bothMappings);
  }
  let given = c.portMappings ?? (c.docker?.portMappings ? dockerMappings : undefined);
  if (discovery.length > 0) {
    if (given && given.length > 0) issues.add('/', NETWORK_MESSAGES.discoveryAndMappings);
    given = discovery.map((p) => ({
      containerPort: p.number,
      name: p.name,
      protocol: p.protocol,
      labels: p.labels,
    }));
  }
  const path = c.portMappings ? '/container/portMappings' : '/container/docker/portMappings';
  let portMappings: PortMapping[] | undefined;
  if (host) {
    if (given && given.length > 0) issues.add('/', PORT_MESSAGES.mappingsNeedContainerNetwork);
  } else if (networks.length === 0) {
    if (given && given.length > 0) issues.add('/', NETWORK_MESSAGES.mappingsWithoutNetwork);
  } else {
    const bridge = networks.some((n) => n.mode === 'container/bridge');
    portMappings = normalizePortMappings(given ?? [{}], bridge, path, issues);
  }

  // A MESOS container runs its image the way Mesos's universal containerizer does: networking
  // from `networks` and `container.portMappings`, no docker run flags (Marathon refuses them).
  if (type === 'MESOS' && c.docker) checkMesosDocker(c.docker, issues);
  else if (c.docker?.parameters)
    checkDockerParameters(c.docker.parameters, '/container/docker/parameters', issues);
  // An empty image is the schema's to report.
  const imageProblem = c.docker?.image ? imageRefProblem(c.docker.image) : undefined;
  if (imageProblem !== undefined) issues.add('/container/docker/image', imageProblem);
  const docker = c.docker
    ? compact({
        image: c.docker.image,
        network: c.docker.network,
        // The universal containerizer has no privileged mode: Marathon drops the flag there.
        privileged: type === 'DOCKER' ? (c.docker.privileged ?? false) : false,
        parameters: c.docker.parameters ?? [],
        forcePullImage: c.docker.forcePullImage ?? false,
      })
    : undefined;
  return compact({
    type,
    docker,
    portMappings,
    volumes: normalizeVolumes(c.volumes ?? [], type === 'DOCKER', Object.keys(input.secrets ?? {}), issues),
  });
}

function checkMesosDocker(docker: NonNullable<NonNullable<AppInput['container']>['docker']>, issues: Issues) {
  if (docker.network !== undefined) issues.add('/container/docker/network', NETWORK_MESSAGES.mustBeEmpty);
  if ((docker.parameters?.length ?? 0) > 0)
    issues.add('/container/docker/parameters', NETWORK_MESSAGES.mustBeEmpty);
  if ((docker.portMappings?.length ?? 0) > 0)
    issues.add('/container/docker/portMappings', NETWORK_MESSAGES.mustBeEmpty);
}

/**
 * Only host volumes are supported. In a Docker container the engine refuses a relative mount
 * path; MESOS containers are not held to it, as Marathon allows a containerPath relative to the
 * sandbox there (with an image the agent mounts it under the sandbox's path in the container).
 */
function normalizeVolumes(
  volumes: NonNullable<AppInput['container']>['volumes'] & {},
  docker: boolean,
  declaredSecrets: readonly string[],
  issues: Issues,
): Volume[] {
  return volumes.flatMap((v, i) => {
    const path = at('/container/volumes', i);
    if (v.secret !== undefined) return secretVolume(v, v.secret, docker, declaredSecrets, path, issues);
    const kind = v.persistent ? 'persistent' : v.external ? 'external' : undefined;
    if (kind) {
      issues.add(path, NETWORK_MESSAGES.unsupportedVolume(kind));
      return [];
    }
    if (v.hostPath === undefined) issues.add(`${path}/hostPath`, NETWORK_MESSAGES.hostPathMissing);
    if (v.mode === undefined) issues.add(`${path}/mode`, NETWORK_MESSAGES.volumeMode);
    if (docker && !v.containerPath.startsWith('/'))
      issues.add(`${path}/containerPath`, NETWORK_MESSAGES.dockerContainerPath);
    return [compact({ containerPath: v.containerPath, hostPath: v.hostPath, mode: v.mode })];
  });
}

/**
 * Marathon's file-based secret: the value as a file in the task's sandbox. A Docker container
 * may also take it at an absolute path (bound read-only from the sandbox); a process task has no
 * file system of its own, so its secret files stay inside the sandbox.
 */
export function secretVolume(
  v: { containerPath: string; hostPath?: string; mode?: string; persistent?: unknown; external?: unknown },
  ref: string,
  docker: boolean,
  declaredSecrets: readonly string[],
  path: string,
  issues: Issues,
): Volume[] {
  if (!declaredSecrets.includes(ref)) issues.add(`${path}/secret`, NETWORK_MESSAGES.secretVolumeRef(ref));
  if (v.hostPath !== undefined || v.mode !== undefined || v.persistent || v.external)
    issues.add(path, NETWORK_MESSAGES.secretVolumeMixed);
  const segments = v.containerPath.split('/');
  const absolute = v.containerPath.startsWith('/');
  if ((absolute && !docker) || segments.includes('..') || v.containerPath.endsWith('/'))
    issues.add(`${path}/containerPath`, NETWORK_MESSAGES.secretVolumePath);
  return [{ containerPath: v.containerPath, secret: ref }];
}
