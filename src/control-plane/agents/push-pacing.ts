/**
 * When the master pushes routing changes (route-push.ts) to its agents. A push sends one frame
 * per connected agent, so its cost grows with the cluster (~10-20 ms for 1,000 agents on the
 * bench machine) while the master's queue may produce a batch of changes every few ms under load.
 * Pushing each batch as soon as the queue ran it made the pushes most of the master's work and
 * flooded the agents' links (their pings queued behind the frames until the master dropped them).
 *
 * So a push runs on the next turn of the event loop when the last one was cheap, and otherwise
 * waits until pushing has taken at most `share` of the time since the last push began: a small
 * cluster is never delayed, a big one gets fewer, larger patches. There is no fixed delay, and a
 * kill never waits for this (launcher.ts requestKill pushes at once).
 */
import type { Clock } from '../../platform/clock.js';

/** At most this part of the master's time goes to pushing routes while changes keep coming. */
const DEFAULT_SHARE = 0.25;

export class PushPacing {
  private lastStart = 0;
  private lastCost = 0;

  constructor(
    private readonly clock: Clock,
    private readonly share = DEFAULT_SHARE,
  ) {}

  /** Runs `push` on the next turn, or once the pushes' share of the time allows. */
  schedule(push: () => void): void {
    const wait = this.lastStart + this.lastCost / this.share - this.clock.now();
    if (wait > 0) this.clock.setTimer(wait, push);
    else setImmediate(push);
  }

  /** Runs `refresh` now; when it pushed (returned true), remembers what that cost. */
  measure(refresh: () => boolean): void {
    const start = this.clock.now();
    if (!refresh()) return;
    this.lastStart = start;
    this.lastCost = this.clock.now() - start;
  }
}
