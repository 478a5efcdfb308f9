/**
 * From a task to the body of `POST /containers/create`: what Mesos' docker containerizer did with
 * a Marathon app's `container`, for the engine API.
 *
 * - `cmd` runs as `/bin/sh -c cmd` (entrypoint replaced, as Mesos does); `args` are appended to the
 *   image's entrypoint; neither: the image's own entrypoint and cmd.
 * - Networks: `host` -> host network; `container/bridge` -> bridge with every port mapping
 *   published on the agent's advertised address only (never 0.0.0.0: an agent on a private
 *   address must not expose tasks on every interface); `container` with a name -> that engine
 *   network; no network -> `none`.
 * - A container port 0 is the host port itself (Marathon's rule), so `$PORT0` works inside too.
 * - cpus/mem become hard limits (NanoCpus, Memory). Privileged only where the agent allows it.
 * - The sandbox is mounted at /mnt/mesos/sandbox and MESOS_SANDBOX points there, as in Mesos: the
 *   agent's path for it means nothing inside the container.
 * - A MESOS container with `docker.image` comes here too (the universal containerizer's job, done
 *   by the engine): the same, with no `docker.parameters` or privileged (refused by validation).
 * - Labels name the task, app, agent and owning agent instance, so a restarted agent finds its
 *   containers and tells them from other agents' on a shared engine.
 */

import { createHash } from 'node:crypto';
import { isAbsolute, join, normalize } from 'node:path';
import type { TaskSpec } from '../../../domain/agent-protocol.js';
import type { NetworkSpec, PortMapping } from '../../../domain/app.js';
import { dockerRunOptions } from '../../../domain/docker-parameters.js';
import { secretFilePath } from '../../secret-files.js';
import { checkHostPath } from './host-path-policy.js';
import {
  checkHostWidening,
  networkingConfig,
  runConfigFields,
  runHostConfigFields,
} from './run-parameters.js';

export const SANDBOX_IN_CONTAINER = '/mnt/mesos/sandbox';
/** The engine refuses memory limits below 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export const LABEL = {
  taskId: 'drover.task-id',
  appId: 'drover.app-id',
  version: 'drover.app-version',
  agent: 'drover.agent',
  owner: 'drover.owner',
} as const;

export interface ContainerConfigInput {
  spec: TaskSpec;
  /** The task's env as the agent decided it (MESOS_SANDBOX is replaced, see above). */
  env: Record<string, string>;
  sandbox: string;
  /** The image with an explicit tag or digest. */
  image: string;
  /** Where published ports bind: the agent's advertised address. */
  bindAddress: string;
  agentName: string;
  owner: string;
  allowPrivileged: boolean;
  /** Host directories tasks may mount besides their sandbox (host-path-policy.ts). */
  allowedHostPaths?: readonly string[];
}

/**
 * Docker container names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]`. Marathon-style ids fit as they are;
 * a Chronos id's ':' and '%' become '_' with a hash of the whole id, so two ids never share a name.
 */
export function containerName(taskId: string): string {
  if (/^[A-Za-z0-9_.-]+$/.test(taskId)) return `drover-${taskId}`;
  const hash = createHash('sha256').update(taskId).digest('hex').slice(0, 12);
  return `drover-${taskId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${hash}`;
}

export type NetworkMode =
  | { kind: 'host' }
  | { kind: 'bridge' }
  | { kind: 'none' }
  | { kind: 'named'; name: string };

/** The networks the task joins; older specs only have `container.docker.network`. */
export function networkModeOf(spec: TaskSpec): NetworkMode {
  const networks: NetworkSpec[] = spec.networks ?? legacyNetworks(spec.container?.docker?.network);
  if (networks.length === 0) return { kind: 'none' };
  const n = networks[0]!;
  if (n.mode === 'host') return { kind: 'host' };
  if (n.mode === 'container/bridge') return { kind: 'bridge' };
  if (!n.name)
    throw new Error('A container network needs a name on this agent (no default network is configured)');
  return { kind: 'named', name: n.name };
}

function legacyNetworks(network: string | undefined): NetworkSpec[] {
  if (network === 'BRIDGE') return [{ mode: 'container/bridge' }];
  if (network === 'NONE') return [];
  if (network === 'USER') return [{ mode: 'container' }];
  return [{ mode: 'host' }];
}

export interface PublishedPort {
  containerPort: number;
  hostPort: number;
  protocol: 'tcp' | 'udp';
}

/** Every (container port, host port, protocol) to publish, in port mapping order. */
export function publishedPorts(spec: TaskSpec): PublishedPort[] {
  const mappings: PortMapping[] = spec.container?.portMappings ?? spec.container?.docker?.portMappings ?? [];
  return mappings.flatMap((m, i) => {
    const hostPort = spec.ports[i];
    if (hostPort === undefined || hostPort === 0) return [];
    const containerPort = m.containerPort === 0 ? hostPort : m.containerPort;
    return m.protocol
      .split(',')
      .map((p) => p.trim())
      .filter((p): p is 'tcp' | 'udp' => p === 'tcp' || p === 'udp')
      .map((protocol) => ({ containerPort, hostPort, protocol }));
  });
}

export function containerCreateBody(input: ContainerConfigInput): Record<string, unknown> {
  const { spec, sandbox } = input;
  const docker = spec.container?.docker;
  if (!docker) throw new Error('Task has no docker container');
  if (docker.privileged && !input.allowPrivileged) {
    throw new Error('Privileged containers are not allowed on this agent');
  }
  const params = dockerRunOptions(docker.parameters);
  checkHostWidening(docker.parameters, input.allowPrivileged);
  const network = networkModeOf(spec);

  const env = { ...params.env, ...input.env, MESOS_SANDBOX: SANDBOX_IN_CONTAINER };
  const command: Record<string, unknown> = {};
  if (spec.command.shell) {
    command.Entrypoint = ['/bin/sh', '-c'];
    command.Cmd = [spec.command.value];
  } else {
    if (params.entrypoint !== undefined) command.Entrypoint = [params.entrypoint];
    if (spec.command.argv.length > 0) command.Cmd = [...spec.command.argv];
  }

  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  if (network.kind === 'bridge' || network.kind === 'named') {
    for (const p of publishedPorts(spec)) {
      const key = `${p.containerPort}/${p.protocol}`;
      exposed[key] = {};
      bindings[key] = [...(bindings[key] ?? []), { HostIp: input.bindAddress, HostPort: String(p.hostPort) }];
    }
  }

  // Binds are `src:dst:mode` strings, which a ':' in a path breaks (a Chronos task id names its
  // sandbox `ct:<due>:...`): such a source goes in as a Mounts entry, which has fields instead.
  const binds: string[] = [];
  const mounts: Array<{ Type: 'bind'; Source: string; Target: string; ReadOnly: boolean }> = [];
  const bind = (source: string, target: string, readOnly: boolean) => {
    if (source.includes(':'))
      mounts.push({ Type: 'bind', Source: source, Target: target, ReadOnly: readOnly });
    else binds.push(`${source}:${target}:${readOnly ? 'ro' : 'rw'}`);
  };
  bind(sandbox, SANDBOX_IN_CONTAINER, false);
  const policy = {
    sandbox,
    allowedHostPaths: input.allowedHostPaths ?? [],
    allowPrivileged: input.allowPrivileged,
  };
  for (const v of spec.container?.volumes ?? []) {
    if (v.secret !== undefined) {
      // A relative one is in the sandbox, mounted already; an absolute one is bound from it.
      if (v.containerPath.startsWith('/'))
        bind(secretFilePath(sandbox, v.containerPath), v.containerPath, true);
      continue;
    }
    if (v.hostPath === undefined) throw new Error(`Volume ${v.containerPath} has no hostPath`);
    const source = hostPathOf(v.hostPath, sandbox);
    checkHostPath(source, policy);
    bind(source, containerPathOf(v.containerPath), v.mode === 'RO');
  }
  // `docker.parameters` volumes: host paths under the same policy; named volumes as they are.
  for (const v of params.volumes) {
    if (v.source === undefined || !v.source.startsWith('/')) {
      binds.push([v.source, v.target, v.options].filter((x) => x !== undefined && x !== '').join(':'));
      continue;
    }
    const source = hostPathOf(v.source, sandbox);
    checkHostPath(source, policy);
    bind(source, v.target, /(^|,)ro(,|$)/.test(v.options));
  }

  const { cpus, mem } = spec.resources;
  const hostConfig: Record<string, unknown> = {
    NetworkMode: network.kind === 'named' ? network.name : network.kind,
    PortBindings: bindings,
    Binds: binds,
    ...(mounts.length > 0 ? { Mounts: mounts } : {}),
    Privileged: docker.privileged,
    ...(cpus > 0 ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
    ...(mem > 0 ? { Memory: Math.max(MIN_MEMORY_BYTES, Math.round(mem * 1024 * 1024)) } : {}),
    ...(params.init !== undefined ? { Init: params.init } : {}),
    ...(params.readOnly !== undefined ? { ReadonlyRootfs: params.readOnly } : {}),
    ...(Object.keys(params.tmpfs).length > 0 ? { Tmpfs: params.tmpfs } : {}),
    ...(params.shmSizeBytes !== undefined ? { ShmSize: params.shmSizeBytes } : {}),
    ...(params.ulimits.length > 0
      ? { Ulimits: params.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) }
      : {}),
    ...runHostConfigFields(params),
  };

  return {
    Image: input.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...command,
    Labels: {
      ...params.labels,
      [LABEL.taskId]: spec.taskId,
      [LABEL.appId]: spec.appId,
      [LABEL.version]: spec.version,
      [LABEL.agent]: input.agentName,
      [LABEL.owner]: input.owner,
    },
    ExposedPorts: exposed,
    // spec.user (runAsUser / app user) is deliberately not applied: as under Mesos' Docker
    // containerizer, the image's USER decides, or `docker.parameters` `user` when given. The
    // agent's name for a user need not exist inside the image (Chronos's default 'root' would
    // even override an image's non-root USER).
    ...(params.user !== undefined ? { User: params.user } : {}),
    ...(params.workdir !== undefined ? { WorkingDir: params.workdir } : {}),
    ...(params.hostname !== undefined ? { Hostname: params.hostname } : {}),
    ...(params.stopSignal !== undefined ? { StopSignal: params.stopSignal } : {}),
    ...runConfigFields(params),
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
    ...networkingConfig(params, network.kind === 'named' ? network.name : undefined),
  };
}

/**
 * A relative container path (allowed in MESOS containers) is relative to the sandbox, as under
 * the universal containerizer; it may not climb out of it either.
 */
function containerPathOf(containerPath: string): string {
  if (isAbsolute(containerPath)) return containerPath;
  const resolved = normalize(join(SANDBOX_IN_CONTAINER, containerPath));
  if (!resolved.startsWith(`${SANDBOX_IN_CONTAINER}/`)) {
    throw new Error(`Volume containerPath ${containerPath} leaves the sandbox`);
  }
  return resolved;
}

/** A relative host path lives in the sandbox (as Mesos resolves it) and may not climb out of it. */
function hostPathOf(hostPath: string, sandbox: string): string {
  if (isAbsolute(hostPath)) return normalize(hostPath);
  const resolved = normalize(join(sandbox, hostPath));
  if (resolved !== sandbox && !resolved.startsWith(`${sandbox}/`)) {
    throw new Error(`Volume hostPath ${hostPath} leaves the sandbox`);
  }
  return resolved;
}
