/**
 * At start, an app whose stored definition is beyond the limits (limits.ts; say `instances:
 * 1000000000` from before they existed) is logged and suspended in memory (instances 0) rather
 * than scheduled: scheduling it once made the master run out of heap at every start, so one
 * request could make an installation unrecoverable. The stored definition is left as it was
 * (nothing stored is lost); a PUT of a valid definition brings the app back.
 */
import type { AppDefinition } from '../domain/app.js';
import { appBeyondLimits } from '../domain/limits-check.js';
import type { Logger } from '../platform/logger.js';

/** Replaces each out-of-bounds app in `apps` by its suspended self; returns the ids suspended. */
export function suspendOutOfBounds(apps: Map<string, AppDefinition>, logger: Logger): string[] {
  const suspended: string[] = [];
  for (const app of apps.values()) {
    const problems = appBeyondLimits(app);
    if (problems.length === 0) continue;
    suspended.push(app.id);
    apps.set(app.id, { ...app, instances: 0 });
    logger.error(
      { appId: app.id.slice(0, 300), problems },
      'stored app definition is beyond the limits: app left suspended (instances 0) until a valid definition is PUT',
    );
  }
  return suspended;
}
