/**
 * The haproxy mode's config (`drover router --haproxy`): the same routing table the embedded
 * router serves, written as an HAProxy configuration. Pure: table and options in, text out.
 *
 * - A TCP route is a `listen` section in `mode tcp` on its service port, `balance leastconn`
 *   (as the embedded router), `option redispatch` with retries, so a task that refuses (it just
 *   died) is skipped for the next one.
 * - An HTTP route is a `listen` in `mode http` that adds X-Forwarded-For/-Host/-Proto/-Port;
 *   HAProxy retries a refused connection on another server for any method (nothing was sent).
 * - HTTP routes with vhosts or paths are also reached through one `frontend` on the shared HTTP
 *   port, with the precedence of http-match.ts: exact host, then wildcard, then no vhost; a
 *   longer path prefix first.
 * - A route without tasks keeps its section with no server: HAProxy answers 503 (http) or closes
 *   the connection (tcp), as the embedded router does.
 *
 * `header` replaces the default `global` and `defaults` sections; the routes are appended to it.
 * The default header has a stats socket (`statsSocket`): HAProxy refuses a config without any
 * listener, which an empty table would be, and the socket lets a reload hand the listening
 * sockets to the new process (`expose-fd listeners`, `haproxy -x`).
 */
import type { Route, RouteTable } from '../domain/agent-protocol.js';

export interface HaproxyOptions {
  /** Address every service port (and the HTTP port) is bound on. */
  address: string;
  /** Shared HTTP port for HTTP routes' vhosts and paths; undefined: none. */
  httpPort?: number;
  /** Replaces defaultHeader() (global and defaults sections). */
  header?: string;
  /** The default header's stats socket path. */
  statsSocket?: string;
}

export function defaultHeader(statsSocket: string | undefined): string {
  return [
    'global',
    '  maxconn 20000',
    ...(statsSocket !== undefined
      ? [`  stats socket ${statsSocket} mode 600 level admin expose-fd listeners`]
      : []),
    ...DEFAULT_HEADER_REST,
  ].join('\n');
}

const DEFAULT_HEADER_REST = [
  // Old processes left by reloads finish their connections, but not forever.
  '  hard-stop-after 60s',
  '',
  'defaults',
  '  timeout connect 2s',
  '  timeout client 60s',
  '  timeout server 60s',
  '  timeout queue 5s',
  '  retries 3',
  '  option redispatch 1',
  '',
];

export function haproxyConfig(table: RouteTable, opts: HaproxyOptions): string {
  const out: string[] = [
    "# Written by `drover router --haproxy` from the master's routing table; edits are overwritten.",
    opts.header ?? defaultHeader(opts.statsSocket),
  ];
  for (const route of table.routes) out.push(...listenSection(route, opts.address));
  const shared = table.routes.filter((r) => r.mode === 'http');
  if (opts.httpPort !== undefined && shared.length > 0) out.push(...httpFrontend(shared, opts));
  return `${out.join('\n')}\n`;
}

function sectionName(route: Route): string {
  return `drover_${route.servicePort}`;
}

function listenSection(route: Route, address: string): string[] {
  const lines = [
    `# app ${route.appId} port index ${route.portIndex}`,
    `listen ${sectionName(route)}`,
    `  bind ${bindAddress(address)}:${route.servicePort}`,
    `  mode ${route.mode}`,
    '  balance leastconn',
  ];
  if (route.mode === 'http') lines.push(...forwardedHeaders());
  lines.push(...servers(route), '');
  return lines;
}

/**
 * The shared HTTP port's frontend: one `use_backend` rule per (route, host kind, path prefix),
 * in http-match.ts's order (exact host, wildcard host, no vhost; then the longest prefix; then
 * the lower port), since HAProxy takes the first rule that matches. A listen section cannot be a
 * `use_backend` target, so each route gets a backend of its own here.
 */
function httpFrontend(routes: Route[], opts: HaproxyOptions): string[] {
  const lines = [
    'frontend drover_http',
    `  bind ${bindAddress(opts.address)}:${opts.httpPort}`,
    '  mode http',
    '  http-request set-var(txn.host) req.hdr(host),field(1,:),lower',
  ];
  const rules: Array<{ score: number; port: number; line: string }> = [];
  const backends: string[] = [];
  for (const route of routes) {
    const name = `${sectionName(route)}_http`;
    const exact = route.vhosts.filter((v) => !v.startsWith('*.'));
    const wild = route.vhosts.filter((v) => v.startsWith('*.'));
    const hosts: Array<{ acl?: string; score: number }> = [];
    if (exact.length > 0) {
      lines.push(`  acl ${name}_exact var(txn.host) -m str ${exact.join(' ')}`);
      hosts.push({ acl: `${name}_exact`, score: 2 });
    }
    if (wild.length > 0) {
      lines.push(`  acl ${name}_wild var(txn.host) -m end ${wild.map((w) => w.slice(1)).join(' ')}`);
      hosts.push({ acl: `${name}_wild`, score: 1 });
    }
    if (route.vhosts.length === 0) hosts.push({ score: 0 });
    const paths: Array<{ acl?: string; len: number }> = [];
    route.paths.forEach((p, i) => {
      // A prefix matches at a segment boundary: /api takes /api and /api/x, not /apix.
      const acl = `${name}_path${i}`;
      if (p.endsWith('/')) lines.push(`  acl ${acl} path -m beg ${p}`);
      else lines.push(`  acl ${acl} path -m str ${p}`, `  acl ${acl} path -m beg ${p}/`);
      paths.push({ acl, len: p.length });
    });
    if (route.paths.length === 0) paths.push({ len: 0 });
    for (const h of hosts) {
      for (const p of paths) {
        const cond = [h.acl, p.acl].filter((a) => a !== undefined);
        rules.push({
          score: h.score * 1_000_000 + p.len,
          port: route.servicePort,
          line: `  use_backend ${name}${cond.length > 0 ? ` if ${cond.join(' ')}` : ''}`,
        });
      }
    }
    backends.push(
      `backend ${name}`,
      '  mode http',
      '  balance leastconn',
      ...forwardedHeaders(),
      ...servers(route),
      '',
    );
  }
  rules.sort((a, b) => b.score - a.score || a.port - b.port);
  return [...lines, ...rules.map((r) => r.line), '', ...backends];
}

function forwardedHeaders(): string[] {
  return [
    '  option forwardfor',
    '  http-request set-header X-Forwarded-Host %[req.hdr(host)]',
    '  http-request set-header X-Forwarded-Proto http',
    '  http-request set-header X-Forwarded-Port %[dst_port]',
  ];
}

function servers(route: Route): string[] {
  return route.backends.map((b) => `  server ${serverName(b.taskId)} ${bindAddress(b.host)}:${b.port}`);
}

/** Task ids may hold characters HAProxy names do not take; keep them readable and unique. */
function serverName(taskId: string): string {
  return taskId.replace(/[^A-Za-z0-9_.:-]/g, '_');
}

/** IPv6 literals need brackets in `bind` and `server` addresses. */
function bindAddress(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
