/**
 * Starts the master's DNS server (dns/) for `drover up` and `drover master`. A port that cannot be
 * bound is logged and printed, never fatal: DNS is a convenience beside the API.
 */
import type { MasterApi } from '../control-plane/master-api.js';
import { type DnsServer, startDnsServer } from '../dns/dns-server.js';
import type { Logger } from '../platform/logger.js';

export async function startDns(
  listen: { host: string; port: number } | 'off' | undefined,
  master: Pick<MasterApi, 'listApps' | 'listAllTasks'>,
  logger: Logger,
  name: string,
): Promise<DnsServer | undefined> {
  if (listen === undefined || listen === 'off') return undefined;
  try {
    const server = await startDnsServer({ ...listen, master, logger });
    console.log(`${name}: DNS on ${listen.host}:${server.port} (udp): <app>.marathon.drover`);
    return server;
  } catch (err) {
    logger.warn({ err, ...listen }, 'cannot start the DNS server');
    console.log(`${name}: no DNS: cannot bind ${listen.host}:${listen.port}: ${(err as Error).message}`);
    return undefined;
  }
}
