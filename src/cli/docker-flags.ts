/** The Docker flags `drover up` and `drover agent` share. */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { DockerFlags } from '../bin/docker-setup.js';

function dockerMode(value: string): 'auto' | 'off' {
  if (value !== 'auto' && value !== 'off')
    throw new InvalidArgumentError(`expected auto or off, got '${value}'`);
  return value;
}

export function addDockerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--docker <mode>',
      'auto: run DOCKER tasks when an engine answers on the socket; off: never',
      dockerMode,
      'auto',
    )
    .option('--docker-socket <path>', 'Docker engine socket (default $DOCKER_HOST or /var/run/docker.sock)')
    .option('--registry-auth <file>', 'JSON with private registry credentials (or a docker config.json)')
    .option('--allow-privileged', 'let apps run privileged containers (and mount any host path)')
    .option(
      '--allowed-host-paths <dirs>',
      'comma-separated host directories Docker volumes may mount besides the task sandbox (never the Docker socket)',
    );
}

export function dockerFlags(opts: {
  docker: 'auto' | 'off';
  dockerSocket?: string;
  registryAuth?: string;
  allowPrivileged?: boolean;
  allowedHostPaths?: string;
}): DockerFlags {
  return {
    docker: opts.docker,
    ...(opts.dockerSocket !== undefined ? { dockerSocket: opts.dockerSocket } : {}),
    ...(opts.registryAuth !== undefined ? { registryAuthFile: resolve(opts.registryAuth) } : {}),
    allowPrivileged: Boolean(opts.allowPrivileged),
    ...(opts.allowedHostPaths !== undefined
      ? {
          allowedHostPaths: opts.allowedHostPaths
            .split(',')
            .filter(Boolean)
            .map((p) => resolve(p)),
        }
      : {}),
  };
}
