/**
 * Listening for `drover up` and `drover master`: on failure (port taken, address not ours) the
 * caller shuts down what it started and exits 1 with a one-line reason, never a stack trace.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logger.js';

export type Listened = { port: number } | { error: string };

/** The port bound (the one asked for, or the kernel's pick for 0), or why listening failed. */
export async function listenApi(
  api: FastifyInstance,
  at: { host: string; port: number },
  logger: Logger,
): Promise<Listened> {
  try {
    await api.listen(at);
  } catch (err) {
    logger.error({ err }, 'cannot listen');
    return { error: `cannot listen on ${at.host}:${at.port}: ${(err as Error).message}` };
  }
  const address = api.server.address();
  return { port: typeof address === 'object' && address ? address.port : at.port };
}
