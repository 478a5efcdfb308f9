/**
 * When a change asks for a reconcile pass (a status update, an API write), the pass runs on the
 * next turn of the event loop, behind whatever already waits in the master's queue. While one
 * triggered pass waits there, later requests join it: it will see every change made before it
 * starts. A burst of N status updates used to queue N whole passes behind the updates, each
 * walking every task of the cluster: a cost per update that grew with the cluster.
 */
import type { CancelTimer, Clock } from '../platform/clock.js';

export class PassTrigger {
  private timer: CancelTimer | undefined;
  private queued = false;

  /** `queue` puts one pass on the master's queue; the pass calls `started()` when it begins. */
  constructor(
    private readonly clock: Clock,
    private readonly queue: () => void,
  ) {}

  request(): void {
    if (this.timer || this.queued) return;
    this.timer = this.clock.setTimer(0, () => {
      this.timer = undefined;
      this.queued = true;
      this.queue();
    });
  }

  /** A pass began: changes from now on need a pass of their own. */
  started(): void {
    this.queued = false;
  }

  cancel(): void {
    this.timer?.();
    this.timer = undefined;
  }
}
