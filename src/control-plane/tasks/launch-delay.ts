/**
 * The launch delay an app's failure starts (Marathon's backoff), and the wake-up at its end: a
 * replacement starts as soon as the delay is over, not at the next periodic pass (up to a tick
 * later, more when a pass runs long).
 */
import type { AppDefinition } from '../../domain/app.js';
import { delayAfterFailure } from '../../scheduler/backoff.js';
import type { MasterContext } from '../context.js';

export function startLaunchDelay(ctx: MasterContext, app: AppDefinition, now: number): void {
  const delay = delayAfterFailure(ctx.state.delays.get(app.id), app, now);
  ctx.state.delays.set(app.id, delay);
  ctx.deps.clock.setTimer(delay.until - now, () => ctx.trigger());
}
