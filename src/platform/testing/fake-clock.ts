/**
 * The one clock tests drive (the simulation harness, agent and API unit tests). Timers fire only
 * when the test moves time, in due order (ties in the order they were set), including timers that
 * fired ones set and that fall due on the way.
 *
 * Two ways to move: `advance` drains pending promise work before and between timers, so async
 * reactions settle as they would in real time (the sim harness); `advanceSync` fires the due
 * timers right away and returns, for tests that assert on what a timer did synchronously.
 */
import type { CancelTimer, Clock } from '../clock.js';

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

  /** Move time forward by `ms`, firing every timer due on the way, letting async work settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      if (!this.fireNext(end)) break;
    }
    this.t = end;
    await settle();
  }

  /** Move time forward by `ms`, firing every timer due on the way, without yielding. */
  advanceSync(ms: number): void {
    const end = this.t + ms;
    while (this.fireNext(end)) {}
    this.t = end;
  }

  /** Jump the wall clock without firing timers (clock steps, NTP corrections, a frozen clock). */
  jump(ms: number): void {
    this.t += ms;
  }

  /** Timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Fires the earliest timer due by `end`; false when none is. */
  private fireNext(end: number): boolean {
    let next: Timer | undefined;
    for (const x of this.timers) {
      if (x.at > end) continue;
      if (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq)) next = x;
    }
    if (!next) return false;
    const due = next;
    this.timers = this.timers.filter((x) => x !== due);
    this.t = due.at;
    due.fn();
    return true;
  }
}

/** Let queued microtasks and immediate callbacks run (several rounds, for promise chains). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
