/**
 * `--router kernel`: the agent's router with TCP-mode service ports served by the kernel (Linux
 * nat rules, kernel-rules.ts), as kube-proxy's iptables mode does, so no process copies a byte
 * of their traffic. The userspace router (tcp-router.ts) still holds every service port on the
 * agent's address: HTTP-mode routes are its alone; for a TCP route it sees only connections the
 * kernel did not rewrite, i.e. those of a route without a backend, which it closes (as the
 * userspace mode refuses them), and it keeps reporting ports another process holds.
 *
 * A table is live once iptables-restore returned: `settled()` says when, and the agent
 * acknowledges the table's version only then, so a kill still waits until no new connection can
 * reach the task. Writes are serial; a write takes the newest table, so a burst of tables costs
 * one restore, not one each. A failed write is logged and retried.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import type { Route, RouteBindFailure, RouteTable } from '../domain/agent-protocol.js';
import type { CancelTimer, Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { createChains, type Iptables, removeChains, removeChainsSync } from './kernel-chains.js';
import { type KernelBackend, type KernelChains, kernelRulesText } from './kernel-rules.js';
import type { Router } from './tcp-router.js';

export interface KernelRouterOptions {
  /** The agent's address: the rules match connections to it. */
  address: string;
  chains: KernelChains;
  iptables: Iptables;
  /** Serves HTTP-mode routes and holds the TCP service ports (see above). */
  userspace: Pick<Router, 'apply' | 'close' | 'boundPorts' | 'bindFailures'>;
  logger: Logger;
  clock: Clock;
  /** After a failed write, the next try. Default 2000. */
  retryMs?: number;
}

/**
 * Routers whose chains are still in place: one process `exit` hook removes them all, as a last
 * resort (`drover up` runs a router per agent; a listener each would trip Node's MaxListeners).
 */
const openRouters = new Set<KernelRouter>();
let exitHooked = false;

function removeAtExit(router: KernelRouter): void {
  openRouters.add(router);
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const r of openRouters) r.removeChainsNow();
  });
}

export class KernelRouter {
  private wanted: RouteTable = { routes: [] };
  private written = '';
  private queue: Promise<void> = Promise.resolve();
  private latest: Promise<void> = Promise.resolve();
  private retry: CancelTimer | undefined;
  private closed = false;
  private constructor(private readonly opts: KernelRouterOptions) {}

  /** Creates the router's chains and jumps; they go on close() or, failing that, at process exit. */
  static async open(opts: KernelRouterOptions): Promise<KernelRouter> {
    const router = new KernelRouter(opts);
    removeAtExit(router);
    try {
      await createChains(opts.iptables, opts.chains);
    } catch (err) {
      openRouters.delete(router);
      await removeChains(opts.iptables, opts.chains);
      throw err;
    }
    return router;
  }

  /** Synchronous removal for the process exit hook (nothing async runs at exit). */
  removeChainsNow(): void {
    removeChainsSync(this.opts.iptables, this.opts.chains);
  }

  get chains(): KernelChains {
    return this.opts.chains;
  }

  apply(table: RouteTable): void {
    if (this.closed) return;
    this.wanted = table;
    this.opts.userspace.apply(userspaceView(table));
    const run = this.queue.then(() => this.write());
    // The queue goes on after a failed write (that write retries itself); settled() reports it.
    this.queue = run.catch(() => undefined);
    this.latest = run;
  }

  /** Resolves once the last applied table's rules are live; rejects if writing them failed. */
  settled(): Promise<void> {
    return this.latest;
  }

  boundPorts(): number[] {
    return this.opts.userspace.boundPorts();
  }

  bindFailures(): RouteBindFailure[] {
    return this.opts.userspace.bindFailures();
  }

  /** Removes the chains (open connections keep their conntrack entry) and closes the listeners. */
  async close(): Promise<void> {
    this.closed = true;
    this.retry?.();
    await this.queue;
    await removeChains(this.opts.iptables, this.opts.chains);
    openRouters.delete(this);
    await this.opts.userspace.close();
  }

  private async write(): Promise<void> {
    if (this.closed) return;
    const table = this.wanted;
    const ips = await this.resolveHosts(table);
    const text = kernelRulesText(this.opts.chains, this.opts.address, table, (route) =>
      kernelBackends(route, ips),
    );
    if (text === this.written) return;
    try {
      await this.opts.iptables.restore(text);
      this.written = text;
    } catch (err) {
      this.opts.logger.error(
        { err, chain: this.opts.chains.nat },
        'router cannot write its iptables rules; retrying',
      );
      this.retry ??= this.opts.clock.setTimer(this.opts.retryMs ?? 2_000, () => {
        this.retry = undefined;
        if (!this.closed) this.apply(this.wanted);
      });
      throw err;
    }
  }

  /** Backend hosts that are names, resolved to IPv4 addresses (a nat rule takes addresses only). */
  private async resolveHosts(table: RouteTable): Promise<Map<string, string | undefined>> {
    const names = new Set<string>();
    for (const r of table.routes) for (const b of r.backends) if (!isIPv4(b.host)) names.add(b.host);
    const ips = new Map<string, string | undefined>();
    for (const name of names) {
      try {
        ips.set(name, (await lookup(name, { family: 4 })).address);
      } catch (err) {
        this.opts.logger.warn(
          { err, host: name },
          'router cannot resolve a task host; its tasks get no rule',
        );
        ips.set(name, undefined);
      }
    }
    return ips;
  }
}

/** What the userspace router serves: the table with TCP routes' backends left to the kernel. */
export function userspaceView(table: RouteTable): RouteTable {
  return { routes: table.routes.map((r) => (r.mode === 'tcp' ? { ...r, backends: [] } : r)) };
}

function kernelBackends(route: Route, ips: Map<string, string | undefined>): KernelBackend[] {
  return route.backends.flatMap((b) => {
    const ip = isIPv4(b.host) ? b.host : ips.get(b.host);
    return ip ? [{ ip, port: b.port }] : [];
  });
}
