/**
 * Load without a service address: the client finds the instances itself, as a Swarm user without
 * the routing mesh must. `list` (an orchestrator's own API) is polled every `pollMs`; the same
 * workers as the router's load (test/e2e/support/router-load.ts: GET / on a fresh connection, 1 s
 * timeout, back to back) send each request to the next instance of the latest list. A request made
 * while the list is empty fails as 'no endpoint'. Used by bench/router-swarm.bench.ts for both
 * Swarm's host-mode publishing and Drover's task list, so both sides get the same client.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { getOnce, type RouterRequest } from '../../test/e2e/support/router-load.js';

export interface HostPort {
  host: string;
  port: number;
}

export class PolledLoad {
  readonly requests: RouterRequest[] = [];
  private endpoints: HostPort[] = [];
  private next = 0;
  private running = true;
  private loops: Promise<void>[] = [];

  private constructor(private readonly list: () => Promise<HostPort[]>) {}

  /** Starts once the first list arrived, so the load does not begin with 'no endpoint'. */
  static async start(
    list: () => Promise<HostPort[]>,
    opts: { pollMs: number; concurrency?: number; timeoutMs?: number },
  ): Promise<PolledLoad> {
    const load = new PolledLoad(list);
    await load.refresh();
    const timeoutMs = opts.timeoutMs ?? 1_000;
    load.loops = [
      load.poll(opts.pollMs),
      ...Array.from({ length: opts.concurrency ?? 4 }, () => load.work(timeoutMs)),
    ];
    return load;
  }

  async stop(): Promise<RouterRequest[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.requests;
  }

  failed(): RouterRequest[] {
    return this.requests.filter((r) => !r.ok);
  }

  private async refresh(): Promise<void> {
    try {
      this.endpoints = await this.list();
    } catch {
      // A failed poll keeps the last list, as a client's discovery would.
    }
  }

  private async poll(pollMs: number): Promise<void> {
    while (this.running) {
      await delay(pollMs);
      await this.refresh();
    }
  }

  private async work(timeoutMs: number): Promise<void> {
    while (this.running) {
      const all = this.endpoints;
      if (all.length === 0) {
        const now = Date.now();
        this.requests.push({ start: now, end: now, ok: false, error: 'no endpoint' });
        await delay(100);
        continue;
      }
      const e = all[this.next++ % all.length]!;
      this.requests.push(await getOnce(e.host, e.port, timeoutMs, '/', true));
    }
  }
}
