/**
 * A job's schedule as people read it: in words ("every 2 minutes from 25 Sep 2014 17:22 UTC,
 * 5 times") and its next runs, in the job's own time zone (Chronos's UI showed them without one).
 * Computed with the scheduler's own schedule code, so the UI and CLI show what the master will do.
 */
import { DateTime } from 'luxon';
import type { DurationParts } from '../schedules/iso8601-duration.js';
import { compileSchedule, scheduleError } from '../schedules/schedule.js';
import { isIso8601Schedule, parseRepeatingInterval } from '../schedules/schedule-iso8601.js';

export interface SchedulePreview {
  words: string;
  /** The next runs as ISO times in the job's zone (UTC when it has none). */
  next: string[];
  zone: string;
  error?: string;
}

const UNITS: Array<[keyof DurationParts, string]> = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
];

/** `count` next runs after `nowMs`; `anchorMs` stands in for an empty start (`R//PT1M`). */
export function schedulePreview(
  schedule: string,
  zone: string | undefined,
  nowMs: number,
  count = 3,
  anchorMs = nowMs,
): SchedulePreview {
  const z = zone && zone !== '' ? zone : undefined;
  const shownZone = z ?? 'UTC';
  const error = scheduleError(schedule, z);
  if (error) return { words: schedule, next: [], zone: shownZone, error };
  const compiled = compileSchedule(schedule, z, anchorMs);
  const next: string[] = [];
  let after = nowMs;
  for (let i = 0; i < count; i++) {
    const o = compiled.firstAfter(after);
    if (!o) break;
    next.push(DateTime.fromMillis(o.at, { zone: shownZone }).toISO() ?? new Date(o.at).toISOString());
    after = o.at;
  }
  return { words: scheduleWords(schedule, shownZone), next, zone: shownZone };
}

export function scheduleWords(schedule: string, zone: string): string {
  if (!isIso8601Schedule(schedule)) return `cron "${schedule.trim()}" (${zone})`;
  const parsed = parseRepeatingInterval(schedule);
  if ('error' in parsed) return schedule;
  const parts = UNITS.filter(([k]) => parsed.period[k] > 0).map(([k, unit]) => {
    const n = parsed.period[k];
    return n === 1 ? unit : `${n} ${unit}s`;
  });
  const every = `every ${parts.join(' ')}`;
  const from = parsed.start
    ? ` from ${DateTime.fromISO(parsed.start, { setZone: true })
        .setZone(zone, { keepLocalTime: zone !== 'UTC' })
        .toFormat('d LLL yyyy HH:mm ZZZZ')}`
    : '';
  const times =
    parsed.repeat === undefined
      ? ''
      : parsed.repeat === 0
        ? ', never'
        : parsed.repeat === 1
          ? ', once'
          : `, ${parsed.repeat} times`;
  return `${every}${from}${times}`;
}
