/** Resolves on the first SIGINT or SIGTERM: composition roots shut down cleanly on either. */

import { setCappedInterval } from '../platform/capped-timer.js';
import type { Logger } from '../platform/logger.js';

export function waitForSignal(logger: Logger, extra: NodeJS.Signals[] = []): Promise<NodeJS.Signals> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', ...extra];
  return new Promise((resolve) => {
    // Timers of the platform clock are unref'd: an agent whose only work is a reconnect timer
    // (no master reachable yet) would otherwise just exit. This keeps the process up until a signal.
    const keepAlive = setCappedInterval(() => undefined, 1 << 30);
    const onSignal = (sig: NodeJS.Signals) => {
      logger.info({ signal: sig }, 'stopping');
      clearInterval(keepAlive);
      for (const s of signals) process.off(s, onSignal);
      resolve(sig);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
