/**
 * Cron expressions in `schedule` (a Drover extension Chronos never had): 5 fields (minute
 * precision) or 6 (seconds first), or a nickname (`@hourly`, `@daily`...). Evaluated by croner in
 * the schedule's time zone; croner already follows our DST rule (README.md): a wall time inside
 * the spring-forward gap fires once, shifted forward by the gap, and a wall time in the repeated
 * fall-back hour fires once, at its first (daylight-time) instance.
 */
import { Cron } from 'croner';

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

export function isCronSchedule(text: string): boolean {
  const t = text.trim();
  return t.startsWith('@') || t.split(/\s+/).length >= 5;
}

/** A reason when `text` is not an accepted cron expression. */
export function cronError(text: string, zone: string | undefined): string | undefined {
  const t = text.trim();
  if (t.startsWith('@')) {
    if (!NICKNAMES.has(t.toLowerCase())) return `Cannot parse schedule '${text}': unknown nickname`;
  } else {
    const fields = t.split(/\s+/).length;
    if (fields !== 5 && fields !== 6)
      return `Cannot parse schedule '${text}': a cron expression has 5 or 6 fields, not ${fields}`;
  }
  try {
    new Cron(t, { paused: true, ...(zone ? { timezone: zone } : {}) });
    return undefined;
  } catch (e) {
    return `Cannot parse schedule '${text}': ${(e as Error).message}`;
  }
}

export class CronOccurrences {
  private readonly cron: Cron;
  constructor(text: string, zone: string | undefined) {
    this.cron = new Cron(text.trim(), { paused: true, timezone: zone ?? 'UTC' });
  }

  /** The first occurrence strictly after `ms`. */
  firstAfter(ms: number): number | undefined {
    // croner's `nextRun(date)` is already strictly after the given instant.
    const next = this.cron.nextRun(new Date(ms));
    return next ? next.getTime() : undefined;
  }
}
