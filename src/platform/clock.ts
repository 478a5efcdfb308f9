/**
 * Time is injected everywhere (DESIGN.md §5.2): the real clock here, the fake one in testing/fake-clock.ts.
 * Timers belong to the clock so a simulation can advance time without sleeping.
 */
import { setCappedTimeout } from './capped-timer.js';
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setCappedTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};
