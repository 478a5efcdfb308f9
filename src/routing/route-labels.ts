/**
 * What an app's labels say about how it is routed. Drover's own label picks HTTP mode; the
 * virtual hosts and path prefixes are read from Drover's labels first, then from marathon-lb's
 * `HAPROXY_{n}_VHOST` / `HAPROXY_{n}_PATH` (n = port index), so an app written for marathon-lb
 * routes the same way here. A vhost or path label alone also means HTTP for that port, as it does
 * in marathon-lb.
 */
import type { AppDefinition } from '../domain/app.js';

export const ROUTER_MODE_LABEL = 'DROVER_ROUTER_MODE';

/** Label names for port `n`: Drover's, then marathon-lb's aliases. */
export const vhostLabels = (n: number) => [`DROVER_ROUTER_${n}_VHOST`, `HAPROXY_${n}_VHOST`];
export const pathLabels = (n: number) => [`DROVER_ROUTER_${n}_PATH`, `HAPROXY_${n}_PATH`];

/** Most names one label may list; the protocol caps a route at 64. */
const MAX_NAMES = 64;

export interface PortRouting {
  mode: 'tcp' | 'http';
  vhosts: string[];
  paths: string[];
}

export function portRouting(app: Pick<AppDefinition, 'labels'>, portIndex: number): PortRouting {
  const vhosts = listLabel(app.labels, vhostLabels(portIndex))
    .map((h) => h.toLowerCase())
    .filter(isHostName);
  const paths = listLabel(app.labels, pathLabels(portIndex)).filter((p) => p.startsWith('/'));
  const httpLabel = (app.labels[ROUTER_MODE_LABEL] ?? '').trim().toLowerCase() === 'http';
  const mode = httpLabel || vhosts.length > 0 || paths.length > 0 ? 'http' : 'tcp';
  return { mode, vhosts, paths };
}

/** The first label present wins; marathon-lb separates several vhosts with commas. */
function listLabel(labels: Record<string, string>, names: string[]): string[] {
  for (const name of names) {
    const value = labels[name];
    if (value === undefined) continue;
    const items = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0 && v.length <= 255);
    return [...new Set(items)].slice(0, MAX_NAMES);
  }
  return [];
}

const HOST_NAME = /^[a-z0-9*]([a-z0-9.*-]*[a-z0-9])?$/;

function isHostName(h: string): boolean {
  return HOST_NAME.test(h);
}
