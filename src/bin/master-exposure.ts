/**
 * When a master may run without credentials. On a loopback address only this machine can reach
 * it, so an open API and an open agent endpoint are a development convenience; on any other
 * address they hand the cluster (and a shell on every agent, through `cmd`) to whoever can reach
 * the port. So a non-loopback master needs both an API credential and an agent token, unless the
 * operator says `--insecure` and takes the risk knowingly.
 */
import { isIP } from 'node:net';

export interface ExposureConfig {
  host: string;
  hasApiCredentials: boolean;
  hasAgentToken: boolean;
  insecure: boolean;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** Undefined when the master may start; otherwise what is missing, in words for the operator. */
export function exposureProblem(cfg: ExposureConfig): string | undefined {
  if (cfg.insecure || isLoopbackHost(cfg.host)) return undefined;
  const missing = [
    ...(cfg.hasApiCredentials ? [] : ['an API credential (--http-credentials, --api-token or --auth-file)']),
    ...(cfg.hasAgentToken ? [] : ['an agent token (--agent-token)']),
  ];
  if (missing.length === 0) return undefined;
  return (
    `refusing to listen on ${cfg.host} (not a loopback address) without ${missing.join(' and ')}; ` +
    'give them, bind 127.0.0.1, or pass --insecure to run open anyway'
  );
}
