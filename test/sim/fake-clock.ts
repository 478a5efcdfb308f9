/**
 * A clock the test drives. Timers fire only when the test advances time, in due order; between
 * timers, pending promise work is drained so async reactions settle as they would in real time.
 */
import type { CancelTimer, Clock } from '../../src/platform/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.nextDue(end);
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }

  /** Jump the wall clock without firing timers (clock steps, NTP corrections). */
  jump(ms: number): void {
    this.t += ms;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const x of this.timers) {
      if (x.at > end) continue;
      if (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq)) best = x;
    }
    return best;
  }
}

/** Let queued microtasks and immediate callbacks run (several rounds, for promise chains). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
