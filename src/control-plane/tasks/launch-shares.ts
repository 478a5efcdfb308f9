/**
 * How many of the planned launches one reconcile pass places. A pass stores every task it places
 * in one transaction before it sends any launch, so placing 100,000 at once (100 apps x 1,000
 * instances posted together) held that transaction, and the PostgreSQL lease renewal behind it,
 * for minutes, and no agent heard of a launch until the end. Passes place at most
 * MAX_LAUNCHES_PER_PASS; the rest wait for the pass queued right after, so status updates and
 * API writes get their turns in between. Pure: the plan's launches in, today's and later's out.
 */

/** Tasks placed per pass at most (Marathon's launch tokens play the same part). */
export const MAX_LAUNCHES_PER_PASS = 2_000;

export interface LaunchCount {
  appId: string;
  count: number;
}

/**
 * Splits the launches so no app waits behind another's: the cap is shared round-robin, one task
 * per app per round, in the plan's order.
 */
export function launchShares(
  launches: readonly LaunchCount[],
  cap: number,
): { now: LaunchCount[]; later: LaunchCount[] } {
  const total = launches.reduce((n, l) => n + l.count, 0);
  if (total <= cap) return { now: [...launches], later: [] };
  // Round-robin, computed at once: every app gets min(count, level), and the cap's remainder one
  // more each to the first apps (in plan order) that still ask for more than the level.
  const counts = launches.map((l) => l.count).sort((a, b) => a - b);
  let level = 0;
  let left = cap;
  for (let i = 0; i < counts.length; i++) {
    const asking = counts.length - i;
    const step = counts[i]! - level;
    if (step * asking > left) {
      level += Math.floor(left / asking);
      left -= Math.floor(left / asking) * asking;
      break;
    }
    level += step;
    left -= step * asking;
  }
  const granted = launches.map((l) => Math.min(l.count, level));
  for (let i = 0; i < launches.length && left > 0; i++) {
    if (launches[i]!.count > level) {
      granted[i]! += 1;
      left -= 1;
    }
  }
  const now: LaunchCount[] = [];
  const later: LaunchCount[] = [];
  launches.forEach((l, i) => {
    if (granted[i]! > 0) now.push({ appId: l.appId, count: granted[i]! });
    if (granted[i]! < l.count) later.push({ appId: l.appId, count: l.count - granted[i]! });
  });
  return { now, later };
}
