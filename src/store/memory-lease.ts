/**
 * The leader lease in memory, on an injected clock: for simulations of failover (several masters
 * over one memory store, time driven by the test). Same rules as postgres/postgres-lease.ts. Give
 * `peek` to createMemoryStore({lease}) so fenced stores read this lease.
 */
import type { AcquireRequest, AcquireResult, LeaderLease, LeaseRecord } from './lease-port.js';

export class MemoryLeaderLease implements LeaderLease {
  private record: LeaseRecord = { holder: '', term: 0, address: '', expiresAt: 0 };
  /** Simulates an unreachable database: every call rejects. */
  unreachable = false;

  constructor(private readonly now: () => number) {}

  peek(): LeaseRecord {
    return { ...this.record };
  }

  async acquire(req: AcquireRequest): Promise<AcquireResult> {
    this.reachable();
    const now = this.now();
    const r = this.record;
    const ours = r.holder === req.holder && r.term === req.heldTerm;
    if (!(r.expiresAt < now || ours)) return { held: false, lease: this.peek() };
    const term = ours && r.expiresAt >= now ? r.term : r.term + 1;
    this.record = { holder: req.holder, term, address: req.address, expiresAt: now + req.ttlMs };
    return { held: true, lease: this.peek() };
  }

  async release(holder: string, term: number): Promise<void> {
    this.reachable();
    if (this.record.holder === holder && this.record.term === term) this.record.expiresAt = 0;
  }

  async current(): Promise<LeaseRecord | undefined> {
    this.reachable();
    return this.peek();
  }

  async close(): Promise<void> {}

  private reachable(): void {
    if (this.unreachable) throw new Error('lease store unreachable (simulated)');
  }
}
