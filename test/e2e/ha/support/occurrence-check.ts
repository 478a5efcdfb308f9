/**
 * The Jepsen-style verdict on a job history (as in Jepsen's Chronos test): every occurrence that
 * came due in the window must be accounted for, either run exactly once (one execution seen by
 * the job itself, one `succeeded` record) or recorded as skipped with a reason (and never run).
 * Anything else is a violation: no record, a run that failed, two executions of one occurrence,
 * an execution without a record.
 */

export interface RunRecord {
  job: string;
  dueAtMs: number;
  trigger: string;
  outcome: string;
  skipReason: string | null;
}

export interface Execution {
  job: string;
  dueAtMs: number;
  attempt: number;
}

export interface Verdict {
  expected: number;
  ran: number;
  skipped: Record<string, number>;
  violations: string[];
}

export function checkOccurrences(opts: {
  jobs: string[];
  /** Epoch ms of the first occurrence. */
  start: number;
  periodMs: number;
  /** Occurrences due up to here (inclusive) are checked. */
  until: number;
  records: RunRecord[];
  executions: Execution[];
}): Verdict {
  const violations: string[] = [];
  const skipped: Record<string, number> = {};
  let ran = 0;
  let expected = 0;
  const key = (job: string, at: number) => `${job}@${new Date(at).toISOString()}`;
  const runs = new Map<string, RunRecord[]>();
  for (const r of opts.records) {
    if (r.trigger !== 'schedule') continue;
    const k = key(r.job, r.dueAtMs);
    runs.set(k, [...(runs.get(k) ?? []), r]);
  }
  const execs = new Map<string, Execution[]>();
  for (const e of opts.executions) {
    const k = key(e.job, e.dueAtMs);
    execs.set(k, [...(execs.get(k) ?? []), e]);
  }
  for (const job of opts.jobs) {
    for (let at = opts.start; at <= opts.until; at += opts.periodMs) {
      expected += 1;
      const k = key(job, at);
      const recs = runs.get(k) ?? [];
      const seen = execs.get(k)?.length ?? 0;
      if (recs.length === 0) {
        violations.push(`${k}: no record${seen > 0 ? ` (yet it ran ${seen}x)` : ''}`);
        continue;
      }
      if (recs.length > 1) violations.push(`${k}: ${recs.length} records`);
      const r = recs[0]!;
      if (r.outcome === 'succeeded') {
        ran += 1;
        if (seen !== 1) violations.push(`${k}: succeeded but ran ${seen}x`);
      } else if (r.outcome === 'skipped') {
        const reason = r.skipReason ?? '';
        skipped[reason] = (skipped[reason] ?? 0) + 1;
        if (reason === '') violations.push(`${k}: skipped without a reason`);
        if (seen > 0) violations.push(`${k}: skipped, yet it ran ${seen}x`);
      } else {
        violations.push(`${k}: ended ${r.outcome} (ran ${seen}x)`);
      }
    }
  }
  for (const [k, list] of execs) {
    if (!runs.has(k)) violations.push(`${k}: ran ${list.length}x without a record`);
  }
  return { expected, ran, skipped, violations };
}
