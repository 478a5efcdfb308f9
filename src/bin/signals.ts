/** Resolves on the first SIGINT or SIGTERM: composition roots shut down cleanly on either. */
import type { Logger } from '../platform/logger.js';

export function waitForSignal(logger: Logger, extra: NodeJS.Signals[] = []): Promise<NodeJS.Signals> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', ...extra];
  return new Promise((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      logger.info({ signal: sig }, 'stopping');
      for (const s of signals) process.off(s, onSignal);
      resolve(sig);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
