/**
 * One view over both schedule syntaxes: `firstAfter(ms)` gives the next due time strictly after
 * an instant, with how many occurrences remain. The job ticker only ever asks "what comes after
 * the last due time I handled", so a schedule is stateless apart from its anchor.
 */
import { IANAZone } from 'luxon';
import { CronOccurrences, cronError, isCronSchedule } from './schedule-cron.js';
import {
  IsoOccurrences,
  isIso8601Schedule,
  parseRepeatingInterval,
  resolveStart,
} from './schedule-iso8601.js';

export interface Occurrence {
  /** Epoch ms the run is due. */
  at: number;
  /** Occurrences left after this one; undefined = forever. */
  remainingAfter: number | undefined;
}

export interface Schedule {
  kind: 'iso8601' | 'cron';
  /** The first occurrence due strictly after `ms`; undefined when there is none (count spent). */
  firstAfter(ms: number): Occurrence | undefined;
}

/** Undefined when `zone` is absent or a known IANA zone; else a message naming it. */
export function scheduleTimeZoneError(zone: string | undefined): string | undefined {
  return zone !== undefined && !IANAZone.isValidZone(zone) ? `Unknown scheduleTimeZone '${zone}'` : undefined;
}

/**
 * Undefined when valid; else a message naming the problem. An unknown zone is reported by
 * scheduleTimeZoneError (and here too, for callers checking only the schedule).
 */
export function scheduleError(text: string, zone: string | undefined): string | undefined {
  const zoneError = scheduleTimeZoneError(zone);
  if (zoneError) return zoneError;
  if (isIso8601Schedule(text)) {
    const parsed = parseRepeatingInterval(text);
    return 'error' in parsed ? parsed.error : undefined;
  }
  if (isCronSchedule(text)) return cronError(text, zone);
  return `Cannot parse schedule '${text}': expected R[n]/[start]/period or a cron expression`;
}

/**
 * `anchorMs` stands in for an empty start (`R//PT1M`) and is where cron schedules begin: the time
 * the job (or its current schedule) was created. Throws on an invalid schedule: validate first.
 */
export function compileSchedule(text: string, zone: string | undefined, anchorMs: number): Schedule {
  if (isIso8601Schedule(text)) {
    const parsed = parseRepeatingInterval(text);
    if ('error' in parsed) throw new Error(parsed.error);
    const occ = new IsoOccurrences(resolveStart(parsed.start, zone, anchorMs), parsed.period, parsed.repeat);
    return {
      kind: 'iso8601',
      firstAfter(ms) {
        const o = occ.firstAfter(ms);
        if (!o) return undefined;
        return {
          at: o.at,
          remainingAfter: parsed.repeat === undefined ? undefined : parsed.repeat - o.index - 1,
        };
      },
    };
  }
  const error = cronError(text, zone);
  if (error) throw new Error(error);
  const cron = new CronOccurrences(text, zone);
  return {
    kind: 'cron',
    firstAfter(ms) {
      const at = cron.firstAfter(Math.max(ms, anchorMs - 1));
      return at === undefined ? undefined : { at, remainingAfter: undefined };
    },
  };
}

/** The first occurrence at or after `ms` (a new job's first due time is its start, inclusive). */
export function firstAtOrAfter(schedule: Schedule, ms: number): Occurrence | undefined {
  return schedule.firstAfter(ms - 1);
}
