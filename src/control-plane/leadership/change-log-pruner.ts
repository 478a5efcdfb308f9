/**
 * The leader keeps the change log (store/change-feed-port.ts) short: every `everyMs` it forgets
 * the changes that were already there one period ago, so a standby polling every few hundred ms
 * always finds what it has not read yet, and one that stalled longer than that loads everything
 * again (the feed's floor tells it). No clock is compared across masters: only positions.
 */
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { ChangeFeed } from '../../store/change-feed-port.js';

/** Default period: changes are kept between one and two periods. */
export const PRUNE_EVERY_MS = 30_000;

export class ChangeLogPruner {
  private timer: CancelTimer | undefined;
  private mark: number | undefined;
  private stopped = false;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly everyMs = PRUNE_EVERY_MS,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(ms, () => {
      this.timer = undefined;
      void this.pass().finally(() => this.schedule(this.everyMs));
    });
  }

  private async pass(): Promise<void> {
    try {
      if (this.mark !== undefined && this.mark > 0) await this.feed.prune(this.mark);
      this.mark = await this.feed.position();
    } catch (err) {
      // Harmless to miss: the log only grows until the next pass gets through.
      this.logger.warn({ err: (err as Error).message }, 'cannot prune the change log');
    }
  }
}
