/**
 * The kernel data path's rules (`--router kernel`), as text for `iptables-restore --noflush`:
 * pure, from a routing table to the nat table's contents of this router's own chains. What
 * kube-proxy's iptables mode does for a Service: each TCP-mode service port on the router's
 * address is a cascade of DNAT rules, rule i taken with probability 1/(n-i) (`-m statistic
 * --mode random`), so each of the n backends gets an equal share of new connections; conntrack
 * keeps a connection on its backend for its life, so replacing the rules never moves or cuts an
 * open connection. HTTP-mode routes and routes without a backend get no rule (the userspace
 * router answers those).
 *
 * Chains are named `DROVER-<pid>-<index>` (the DNAT rules, jumped to from nat OUTPUT for local
 * clients and PREROUTING for remote ones) and `DROVER-<pid>-<index>-MASQ` (from POSTROUTING:
 * masquerade of connections sent on to a task on another host, so its answers come back through
 * this host). The pid names the owner: a chain whose process is gone is stale (kernel-chains.ts).
 * A declared chain is emptied by iptables-restore --noflush before its rules are added, so one
 * restore replaces every rule of the chain atomically and touches nothing else.
 */
import type { Route, RouteTable } from '../domain/agent-protocol.js';

/** The chains of one router. */
export interface KernelChains {
  /** DNAT rules; jumped to from OUTPUT and PREROUTING. */
  nat: string;
  /** MASQUERADE of forwarded connections; jumped to from POSTROUTING. */
  masq: string;
}

/** A backend whose host is an IPv4 address (names resolved by the shell). */
export interface KernelBackend {
  ip: string;
  port: number;
}

const PREFIX = 'DROVER-';

export function kernelChains(pid: number, index: number): KernelChains {
  const nat = `${PREFIX}${pid}-${index}`;
  return { nat, masq: `${nat}-MASQ` };
}

/** The owner pid of a Drover chain name, or undefined for any other chain. */
export function chainOwner(chain: string): number | undefined {
  const m = /^DROVER-(\d+)-\d+(-MASQ)?$/.exec(chain);
  return m ? Number(m[1]) : undefined;
}

/** The built-in nat chains each Drover chain is jumped to from. */
export function jumpsOf(chains: KernelChains): Array<{ from: string; to: string }> {
  return [
    { from: 'OUTPUT', to: chains.nat },
    { from: 'PREROUTING', to: chains.nat },
    { from: 'POSTROUTING', to: chains.masq },
  ];
}

/** The arguments of one jump rule (after `-I <from>` / `-D <from>`); marked so people see whose it is. */
export function jumpArgs(to: string): string[] {
  return ['-m', 'comment', '--comment', 'drover-router', '-j', to];
}

/** Creates the chains (empty) and inserts the jumps first in the built-in chains. */
export function setupText(chains: KernelChains): string {
  const lines = ['*nat', `:${chains.nat} - [0:0]`, `:${chains.masq} - [0:0]`];
  for (const j of jumpsOf(chains)) lines.push(`-I ${j.from} 1 ${jumpArgs(j.to).join(' ')}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/**
 * The whole contents of both chains for `table`, one iptables-restore input. `address` is where
 * the router serves (the agent's address; 0.0.0.0 means every local address, as a listener
 * bound there would). `backends(route)` gives the route's backends with IPv4 addresses.
 */
export function kernelRulesText(
  chains: KernelChains,
  address: string,
  table: RouteTable,
  backends: (route: Route) => KernelBackend[],
): string {
  const lines = ['*nat', `:${chains.nat} - [0:0]`, `:${chains.masq} - [0:0]`];
  const dst = address === '0.0.0.0' ? ['-m', 'addrtype', '--dst-type', 'LOCAL'] : ['-d', `${address}/32`];
  for (const route of table.routes) {
    if (route.mode !== 'tcp') continue;
    const pool = backends(route);
    if (pool.length === 0) continue;
    const comment = ['-m', 'comment', '--comment', commentOf(route)];
    const match = [...dst, '-p', 'tcp', '-m', 'tcp', '--dport', String(route.servicePort), ...comment];
    pool.forEach((b, i) => {
      const left = pool.length - i;
      const pick =
        left > 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(left)] : [];
      lines.push(
        ['-A', chains.nat, ...match, ...pick, '-j', 'DNAT', '--to-destination', `${b.ip}:${b.port}`].join(
          ' ',
        ),
      );
    });
    // Sent on to another host (not out the loopback): masquerade, or the task would answer the
    // client directly and the client would drop it.
    const origDst = address === '0.0.0.0' ? [] : ['--ctorigdst', `${address}/32`];
    lines.push(
      [
        '-A',
        chains.masq,
        '!',
        '-o',
        'lo',
        '-p',
        'tcp',
        '-m',
        'conntrack',
        '--ctstate',
        'DNAT',
        ...origDst,
        '--ctorigdstport',
        String(route.servicePort),
        ...comment,
        '-j',
        'MASQUERADE',
      ].join(' '),
    );
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** 1/left with kube-proxy's 10 decimals: the cascade's rule i matches 1/(n-i) of what reaches it. */
function probability(left: number): string {
  return (1 / left).toFixed(10);
}

/** `<app id>:<service port>`, kept to characters that need no quoting in a restore file. */
function commentOf(route: Route): string {
  return `${route.appId.replace(/[^A-Za-z0-9_./-]/g, '_')}:${route.servicePort}`;
}

/**
 * What to remove of the chains of processes that are gone, read from `iptables -t nat -S`: the
 * jump rules to them (as arguments after `-D`) and the chains. Only chains named as Drover names
 * them, and only of pids `alive` denies; nothing else in the listing is touched.
 */
export function staleChains(
  listing: string,
  alive: (pid: number) => boolean,
): { jumps: string[][]; chains: string[] } {
  const lines = listing.split('\n').map((l) => l.trim().split(/\s+/));
  const stale = (chain: string | undefined) => {
    const pid = chain === undefined ? undefined : chainOwner(chain);
    return pid !== undefined && !alive(pid);
  };
  const chains = lines.filter((t) => t[0] === '-N' && stale(t[1])).map((t) => t[1]!);
  const jumps = lines
    .filter((t) => t[0] === '-A' && !stale(t[1]) && stale(t[t.indexOf('-j') + 1]))
    .map((t) => t.slice(1));
  return { jumps, chains };
}
