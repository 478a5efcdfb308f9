/**
 * Composition root of `drover router --haproxy`: a client of the master's API, the config writer
 * and the long poll that feeds it (router/haproxy-mode.ts), until SIGINT or SIGTERM.
 */
import type { DroverClient } from '../client/drover-client.js';
import { systemClock } from '../platform/clock.js';
import { createLogger, type LogFormat } from '../platform/logger.js';
import { followRoutes, HaproxyWriter } from '../router/haproxy-mode.js';
import { waitForSignal } from './signals.js';

export interface HaproxyRouterConfig {
  client: DroverClient;
  name: string;
  configPath: string;
  reloadCmd?: string;
  haproxyBin: string;
  address: string;
  httpPort?: number;
  header?: string;
  statsSocket: string;
  logLevel: string;
  logFormat?: LogFormat;
  logColor?: boolean;
}

export async function runHaproxyRouter(cfg: HaproxyRouterConfig): Promise<number> {
  const logger = createLogger({
    level: cfg.logLevel,
    ...(cfg.logFormat ? { format: cfg.logFormat } : {}),
    ...(cfg.logColor !== undefined ? { colorize: cfg.logColor } : {}),
  }).child({ component: 'haproxy-router' });
  const writer = new HaproxyWriter({
    configPath: cfg.configPath,
    haproxyBin: cfg.haproxyBin,
    address: cfg.address,
    statsSocket: cfg.statsSocket,
    logger,
    ...(cfg.reloadCmd !== undefined ? { reloadCmd: cfg.reloadCmd } : {}),
    ...(cfg.httpPort !== undefined ? { httpPort: cfg.httpPort } : {}),
    ...(cfg.header !== undefined ? { header: cfg.header } : {}),
  });
  const stop = new AbortController();
  logger.info(
    { master: cfg.client.url, config: cfg.configPath, name: cfg.name },
    'following the routing table',
  );
  const following = followRoutes(cfg.client.routes, writer, {
    name: cfg.name,
    logger,
    clock: systemClock,
    signal: stop.signal,
  });
  await waitForSignal(logger);
  stop.abort();
  await following;
  return 0;
}
