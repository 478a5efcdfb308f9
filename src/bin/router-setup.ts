/**
 * The embedded router of one agent, as `drover up` and `drover agent` build it (router/): bound
 * on the agent's address, reporting bind failures through the agent to the master.
 */
import type { Agent } from '../agent/agent.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { RouterMetrics } from '../router/router-metrics.js';
import { Router } from '../router/tcp-router.js';

export interface RouterFlags {
  router: 'on' | 'off';
  /** The shared HTTP port for HTTP-mode apps. */
  routerHttpPort: number;
}

/** Undefined with `--router off`. `agent()` is read only when a bind fails, after the agent exists. */
export function createAgentRouter(
  flags: RouterFlags | undefined,
  deps: {
    address: string;
    clock: Clock;
    logger: Logger;
    metrics?: RouterMetrics;
    agent: () => Agent | undefined;
  },
): Router | undefined {
  if (!flags || flags.router === 'off') return undefined;
  return new Router({
    address: deps.address,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'router', address: deps.address }),
    httpPort: flags.routerHttpPort,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    onBindFailures: (failures) => deps.agent()?.reportRouteFailures(failures),
  });
}
