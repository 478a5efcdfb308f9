/**
 * Which host paths a Docker task may bind-mount. A `hostPath` volume of `/` or
 * `/var/run/docker.sock` is root on the host, so by default a task may mount only its own sandbox
 * (and what lies under it); an agent widens that with `--allowed-host-paths`. The Docker socket
 * (and any directory holding it) is refused even then: only an agent started with
 * `--allow-privileged` lifts both rules. Paths are compared after resolving symlinks where the
 * path exists, so a link in the sandbox cannot point the mount elsewhere.
 */
import { realpathSync } from 'node:fs';
import { normalize, sep } from 'node:path';

export interface HostPathPolicy {
  sandbox: string;
  /** Extra host directories tasks may mount (absolute). */
  allowedHostPaths: readonly string[];
  allowPrivileged: boolean;
}

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return normalize(path);
  }
}

const within = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** Throws (with the flag to change) when `source` may not be mounted into a task's container. */
export function checkHostPath(source: string, policy: HostPathPolicy): void {
  if (policy.allowPrivileged) return;
  const path = real(source);
  const sockets = DOCKER_SOCKETS.flatMap((s) => [s, real(s)]);
  if (sockets.some((s) => within(s, path)) || path.endsWith('docker.sock')) {
    throw new Error(
      `Volume hostPath ${source} exposes the Docker socket: only an agent started with --allow-privileged mounts it`,
    );
  }
  const allowed = [policy.sandbox, ...policy.allowedHostPaths].map(real);
  if (!allowed.some((dir) => within(path, dir))) {
    throw new Error(
      `Volume hostPath ${source} is outside the task's sandbox and the agent's --allowed-host-paths`,
    );
  }
}
