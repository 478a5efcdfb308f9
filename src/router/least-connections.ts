/**
 * Least connections: a new connection goes to the backend with the fewest open ones through this
 * router; ties rotate, so an idle pool is still spread evenly. Backends are keyed `host:port`, so
 * two service ports of one task share its count.
 */
import type { RouteBackend } from '../domain/agent-protocol.js';

export const backendKey = (b: Pick<RouteBackend, 'host' | 'port'>) => `${b.host}:${b.port}`;

export class ConnectionCounts {
  private readonly open = new Map<string, number>();
  private turn = 0;

  /** The least loaded of `backends` not in `exclude`; undefined when none is left. */
  pick(backends: readonly RouteBackend[], exclude?: ReadonlySet<string>): RouteBackend | undefined {
    const n = backends.length;
    if (n === 0) return undefined;
    this.turn = (this.turn + 1) % 1_000_000_007;
    let best: RouteBackend | undefined;
    let bestCount = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const b = backends[(this.turn + i) % n]!;
      const key = backendKey(b);
      if (exclude?.has(key)) continue;
      const count = this.open.get(key) ?? 0;
      if (count < bestCount) {
        best = b;
        bestCount = count;
      }
    }
    return best;
  }

  opened(key: string): void {
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
  }

  closed(key: string): void {
    const left = (this.open.get(key) ?? 0) - 1;
    if (left > 0) this.open.set(key, left);
    else this.open.delete(key);
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
