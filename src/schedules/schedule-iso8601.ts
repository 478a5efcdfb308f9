/**
 * `R[n]/start/period` repeating intervals (Chronos's schedule syntax).
 *
 * Occurrence k is `start + k × period`, computed from the start each time (never by adding to the
 * previous occurrence), in the schedule's time zone with luxon: calendar units (P1D, P1M) shift
 * the wall clock, so `P1D` keeps 02:00 across DST; clock units (PT24H) add elapsed time, so the
 * wall time moves by an hour at a DST change. Computing from the start also stops drift: P1M from
 * Jan 31 gives Feb 28, then Mar 31 (not Mar 28).
 *
 * A period whose length never varies (clock units only, or days and weeks in a zone without DST
 * such as UTC) is computed with plain arithmetic: luxon gives the same instants, but at ~50 µs a
 * call it was most of a firing pass with 1,000 jobs due at once (BENCHMARKS.md, jobs firing).
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
  private readonly startMs: number;
  /** The period in ms when its length never varies (see fixedPeriodMs), else undefined. */
  private readonly fixedMs: number | undefined;
  constructor(
    private readonly start: DateTime,
    private readonly period: DurationParts,
    private readonly repeat: number | undefined,
  ) {
    this.approx = approxMs(period);
    this.startMs = start.toMillis();
    this.fixedMs = fixedPeriodMs(period, start);
  }

  /** Due time of occurrence k (epoch ms). */
  at(k: number): number {
    if (this.fixedMs !== undefined) return this.startMs + k * this.fixedMs;
    return this.start.plus(scaled(this.period, k)).toMillis();
  }

  /** Index of the first occurrence due strictly after `ms`, or undefined when the count is spent. */
  firstAfter(ms: number): { index: number; at: number } | undefined {
    const first = this.startMs;
    let k = ms < first ? 0 : Math.max(0, Math.floor((ms - first) / this.approx));
    // The estimate is off by the calendar's irregularity (months of 28-31 days, DST): walk to it.
    while (k > 0 && this.at(k - 1) > ms) k -= 1;
    while (this.at(k) <= ms) k += 1;
    if (this.repeat !== undefined && k >= this.repeat) return undefined;
    return { index: k, at: this.at(k) };
  }
}

/**
 * The exact length of every period in ms, when it is the same for every k: clock units (hours,
 * minutes, seconds) add elapsed time, and days and weeks are 24 h and 7 x 24 h in a zone whose
 * offset never changes (UTC, fixed offsets). Undefined with months or years (28-31 days, 365-366)
 * or days in a zone with DST, which luxon walks on the wall clock; and for fractional parts
 * (PT2.3S), whose floating-point rounding stays luxon's.
 */
function fixedPeriodMs(period: DurationParts, start: DateTime): number | undefined {
  if (period.years !== 0 || period.months !== 0) return undefined;
  if (!Object.values(period).every(Number.isInteger)) return undefined;
  const calendarDays = period.weeks * 7 + period.days;
  if (calendarDays !== 0 && !start.zone.isUniversal) return undefined;
  const clockMs = (period.hours * 3600 + period.minutes * 60 + period.seconds) * 1000;
  return calendarDays * 86_400_000 + clockMs;
}
