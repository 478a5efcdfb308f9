/**
 * Whether this machine can run Docker tasks: an engine answering `_ping` on the socket. An agent
 * reports `capabilities.docker` from this, so the scheduler never places a DOCKER task where it
 * cannot run (it waits in the queue with NoDockerCapability instead).
 */
import { DEFAULT_SOCKET, DockerEngine } from './engine-client.js';

/** `DOCKER_HOST=unix:///path` wins over the default socket, as for the docker CLI. */
export function dockerSocketPath(env: Readonly<Record<string, string | undefined>>): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : DEFAULT_SOCKET;
}

/** A connected engine client, or undefined (and nothing left open) when no engine answers. */
export async function connectDockerEngine(
  socketPath: string,
  timeoutMs = 2_000,
): Promise<DockerEngine | undefined> {
  const engine = new DockerEngine({ socketPath });
  if (await engine.ping(timeoutMs)) return engine;
  await engine.close();
  return undefined;
}
