/**
 * Which HTTP-mode route a request on the shared HTTP port goes to: the route whose vhost matches
 * the Host header (exact, or `*.example.com` for any subdomain) and whose path prefix is the
 * longest match; a route with no vhost matches any host, one with no path any path. Exact hosts
 * beat wildcards, wildcards beat routes without a vhost, and a longer path prefix beats a shorter
 * one; the lower service port breaks what is still tied.
 */
import type { Route, RouteTable } from '../domain/agent-protocol.js';

export function matchHttpRoute(
  table: RouteTable,
  hostHeader: string | undefined,
  url: string,
): Route | undefined {
  const host = hostOnly(hostHeader);
  const path = url.split('?')[0] ?? '/';
  let best: { route: Route; score: number } | undefined;
  for (const route of table.routes) {
    if (route.mode !== 'http') continue;
    const hostScore = hostMatch(route.vhosts, host);
    if (hostScore < 0) continue;
    const pathLen = pathMatch(route.paths, path);
    if (pathLen < 0) continue;
    const score = hostScore * 1_000_000 + pathLen;
    if (!best || score > best.score) best = { route, score };
  }
  return best?.route;
}

function hostOnly(h: string | undefined): string {
  if (!h) return '';
  const lower = h.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon >= 0 ? lower.slice(0, colon) : lower;
}

/** 2 exact, 1 wildcard, 0 no vhost on the route, -1 no match. */
function hostMatch(vhosts: readonly string[], host: string): number {
  if (vhosts.length === 0) return 0;
  let best = -1;
  for (const v of vhosts) {
    if (v === host) return 2;
    if (v.startsWith('*.') && host.endsWith(v.slice(1)) && host.length > v.length - 1) best = 1;
  }
  return best;
}

/** Length of the longest matching prefix (0 when the route takes every path), -1 no match. */
function pathMatch(paths: readonly string[], path: string): number {
  if (paths.length === 0) return 0;
  let best = -1;
  for (const p of paths) {
    const boundary = p.endsWith('/') || path.length === p.length || path[p.length] === '/';
    if (path.startsWith(p) && boundary && p.length > best) best = p.length;
  }
  return best;
}
