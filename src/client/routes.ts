/** `GET /v2/routes`: the routing table, and the long poll `drover router --haproxy` follows it with. */
import type { Transport } from './transport.js';
import type { RouteTableView } from './types.js';

export class RoutesClient {
  constructor(private readonly t: Transport) {}

  /**
   * The table now, or with `after` the first version past it (at most `waitMs` later, then the
   * same one). `router` names the caller, telling the master it has applied `after`.
   */
  table(
    opts: { after?: number; router?: string; waitMs?: number; signal?: AbortSignal } = {},
  ): Promise<RouteTableView> {
    return this.t.json<RouteTableView>('GET', '/v2/routes', {
      query: { after: opts.after, router: opts.router, wait: opts.waitMs },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
}
