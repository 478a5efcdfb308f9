/** The sandbox hygiene flags `drover up` and `drover agent` share (agent/sandbox-janitor.ts). */
import { type Command, InvalidArgumentError } from 'commander';
import { intFlag } from './parse-flags.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `45s`, or plain seconds. */
export function durationFlag(value: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration like 7d, 12h, 30m or 45s, got '${value}'`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

export function addSandboxOptions(cmd: Command): Command {
  return cmd
    .option(
      '--sandbox-ttl <duration>',
      'remove sandboxes of ended tasks after this long (7d, 12h, 30m, 45s)',
      durationFlag,
      durationFlag('7d'),
    )
    .option(
      '--sandbox-max-mb <mb>',
      'when all sandboxes pass this, remove ended ones oldest first (0: no threshold)',
      intFlag(0, 1_000_000_000),
      0,
    )
    .option(
      '--task-log-max-mb <mb>',
      "keep each task's stdout/stderr under this, keeping the tail (0: unbounded)",
      intFlag(0, 1_000_000),
      100,
    );
}

export function sandboxFlags(opts: { sandboxTtl: number; sandboxMaxMb: number; taskLogMaxMb: number }): {
  housekeeping: { sandboxTtlMs: number; sandboxMaxTotalBytes: number; taskLogMaxBytes: number };
} {
  const MB = 1024 * 1024;
  return {
    housekeeping: {
      sandboxTtlMs: opts.sandboxTtl,
      sandboxMaxTotalBytes: opts.sandboxMaxMb * MB,
      taskLogMaxBytes: opts.taskLogMaxMb * MB,
    },
  };
}
