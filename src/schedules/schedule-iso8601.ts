/**
 * `R[n]/start/period` repeating intervals (Chronos's schedule syntax).
 *
 * Occurrence k is `start + k × period`, computed from the start each time (never by adding to the
 * previous occurrence), in the schedule's time zone with luxon: calendar units (P1D, P1M) shift
 * the wall clock, so `P1D` keeps 02:00 across DST; clock units (PT24H) add elapsed time, so the
 * wall time moves by an hour at a DST change. Computing from the start also stops drift: P1M from
 * Jan 31 gives Feb 28, then Mar 31 (not Mar 28).
 */
import { DateTime } from 'luxon';
import { approxMs, type DurationParts, parseDuration, scaled } from './iso8601-duration.js';

export interface RepeatingInterval {
  /** Occurrences in total; undefined = forever (`R`). `R0` is 0: never. */
  repeat: number | undefined;
  /** Start as written; undefined when empty (= the time the job was created). */
  start: string | undefined;
  period: DurationParts;
}

const SHAPE = /^R(\d*)\/([^/]*)\/([^/]+)$/;

export function isIso8601Schedule(text: string): boolean {
  return text.trim().startsWith('R');
}

/** A reason when `text` is not a valid repeating interval, else the parsed parts. */
export function parseRepeatingInterval(text: string): RepeatingInterval | { error: string } {
  const m = SHAPE.exec(text.trim());
  if (!m) return { error: `Cannot parse schedule '${text}': expected R[n]/[start]/period` };
  const period = parseDuration(m[3]!);
  if (!period) return { error: `Cannot parse schedule '${text}': bad period '${m[3]}'` };
  if (!(approxMs(period) >= 1000))
    return { error: `Cannot parse schedule '${text}': the period must be at least one second` };
  const start = m[2]!.trim() === '' ? undefined : m[2]!.trim();
  if (start !== undefined && !DateTime.fromISO(start, { setZone: true }).isValid)
    return { error: `Cannot parse schedule '${text}': bad start '${start}'` };
  return { repeat: m[1] === '' ? undefined : Number(m[1]), start, period };
}

/**
 * The start instant in `zone`. With a scheduleTimeZone the start's wall-clock fields are read in
 * that zone and any offset written in the start is ignored (Chronos: the zone "takes precedence").
 */
export function resolveStart(
  start: string | undefined,
  zone: string | undefined,
  anchorMs: number,
): DateTime {
  if (start === undefined) return DateTime.fromMillis(anchorMs, { zone: zone ?? 'UTC' });
  const written = DateTime.fromISO(start, { setZone: true });
  if (zone === undefined) return written.setZone('UTC');
  return written.setZone(zone, { keepLocalTime: true });
}

export class IsoOccurrences {
  private readonly approx: number;
  constructor(
    private readonly start: DateTime,
    private readonly period: DurationParts,
    private readonly repeat: number | undefined,
  ) {
    this.approx = approxMs(period);
  }

  /** Due time of occurrence k (epoch ms). */
  at(k: number): number {
    return this.start.plus(scaled(this.period, k)).toMillis();
  }

  /** Index of the first occurrence due strictly after `ms`, or undefined when the count is spent. */
  firstAfter(ms: number): { index: number; at: number } | undefined {
    const first = this.start.toMillis();
    let k = ms < first ? 0 : Math.max(0, Math.floor((ms - first) / this.approx));
    // The estimate is off by the calendar's irregularity (months of 28-31 days, DST): walk to it.
    while (k > 0 && this.at(k - 1) > ms) k -= 1;
    while (this.at(k) <= ms) k += 1;
    if (this.repeat !== undefined && k >= this.repeat) return undefined;
    return { index: k, at: this.at(k) };
  }
}
