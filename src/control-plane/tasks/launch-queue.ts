/**
 * GET /v2/queue: the apps with instances waiting to launch, each with how long its launch delay
 * (backoff after failures) still holds at `now`.
 */
import type { QueueEntry } from '../master-api.js';
import type { MasterState } from '../master-state.js';

export function launchQueue(state: MasterState, now: number): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const [appId, w] of state.waiting) {
    const app = state.apps.get(appId);
    if (!app) continue;
    const delay = state.delays.get(appId);
    const left = delay ? Math.max(0, Math.ceil((delay.until - now) / 1000)) : 0;
    entries.push({
      app,
      count: w.count,
      delay: { timeLeftSeconds: left, overdue: left === 0 },
      since: new Date(w.since).toISOString(),
      rejections: w.rejections,
    });
  }
  return entries;
}
