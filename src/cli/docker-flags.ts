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
    .option('--allow-privileged', 'let apps run privileged containers');
}

export function dockerFlags(opts: {
  docker: 'auto' | 'off';
  dockerSocket?: string;
  registryAuth?: string;
  allowPrivileged?: boolean;
}): DockerFlags {
  return {
    docker: opts.docker,
    ...(opts.dockerSocket !== undefined ? { dockerSocket: opts.dockerSocket } : {}),
    ...(opts.registryAuth !== undefined ? { registryAuthFile: resolve(opts.registryAuth) } : {}),
    allowPrivileged: Boolean(opts.allowPrivileged),
  };
}
