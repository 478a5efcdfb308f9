/**
 * ISO 8601 durations (`P1DT2H`, `PT60S`): the period of a repeating schedule, and a job's
 * `epsilon`. Calendar parts (years, months, weeks, days) and clock parts (hours, minutes,
 * seconds) are kept apart because they add differently across DST (see schedule-iso8601.ts).
 */
import { Duration } from 'luxon';

export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN =
  /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Undefined when `text` is not an ISO 8601 duration (`P` required, `T` before clock parts). */
export function parseDuration(text: string): DurationParts | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]!.replace(',', '.')));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/** `parts` times k, as a luxon Duration (each unit scaled; nothing is normalised across units). */
export function scaled(parts: DurationParts, k: number): Duration {
  return Duration.fromObject({
    years: parts.years * k,
    months: parts.months * k,
    weeks: parts.weeks * k,
    days: parts.days * k,
    hours: parts.hours * k,
    minutes: parts.minutes * k,
    seconds: parts.seconds * k,
  });
}

/**
 * Approximate length in ms (a month is 30 days, a year 365): only for estimating how many periods
 * fit in an interval, never for computing a due time.
 */
export function approxMs(parts: DurationParts): number {
  return scaled(parts, 1).as('milliseconds');
}

/** Exact length in ms of a duration with only clock parts (epsilon); calendar parts use approxMs. */
export function durationMs(text: string): number | undefined {
  const parts = parseDuration(text);
  return parts === undefined ? undefined : approxMs(parts);
}
