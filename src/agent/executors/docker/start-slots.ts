/**
 * How many containers one engine creates and starts at a time. Starting a container is mostly the
 * engine's own CPU work (overlay mount, network namespace, iptables, docker-proxy, shim); asked for
 * 50 at once on a 2-core machine it thrashes and every container comes up late, while a few at a
 * time bring the first ones up at once and the last ones sooner (measured: 50 containers in about
 * 6 s with 8 at a time against 10-11 s all at once). Agents sharing an engine share one StartSlots.
 */
import { availableParallelism } from 'node:os';

export class StartSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number = defaultStartSlots()) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`start slots must be a positive integer, got ${size}`);
  }

  /** Runs `fn` once a slot is free (first come, first served). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line; `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** Four per core: enough to keep the engine busy while a start waits on I/O. */
export function defaultStartSlots(): number {
  return Math.max(4, 4 * availableParallelism());
}
