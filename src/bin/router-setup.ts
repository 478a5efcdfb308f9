/**
 * The embedded router of one agent, as `drover up` and `drover agent` build it (router/): bound
 * on the agent's address, reporting bind failures through the agent to the master. With
 * `--router kernel`, TCP-mode service ports are nat rules (router/kernel-router.ts) and the
 * userspace router keeps the rest.
 */
import type { Agent } from '../agent/agent.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import {
  type Iptables,
  iptablesProblem,
  removeStaleChains,
  systemIptables,
} from '../router/kernel-chains.js';
import { KernelRouter } from '../router/kernel-router.js';
import { kernelChains } from '../router/kernel-rules.js';
import type { RouterMetrics } from '../router/router-metrics.js';
import { Router } from '../router/tcp-router.js';

export type RouterMode = 'on' | 'off' | 'kernel';

export interface RouterFlags {
  router: RouterMode;
  /** The shared HTTP port for HTTP-mode apps. */
  routerHttpPort: number;
}

export type AgentRouter = Router | KernelRouter;

interface RouterDeps {
  address: string;
  clock: Clock;
  logger: Logger;
  metrics?: RouterMetrics;
  agent: () => Agent | undefined;
}

/** Undefined with `--router off`. `agent()` is read only when a bind fails, after the agent exists. */
export function createAgentRouter(flags: RouterFlags | undefined, deps: RouterDeps): Router | undefined {
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

/**
 * `--router kernel`, once per process before any router: whether iptables may be used (a reason
 * why not, to refuse the start with: the user asked for the kernel path, a silent fallback to the
 * userspace router would hide a 2-3x slower data path), then the chains of Drover processes that
 * are gone (killed -9) are removed.
 */
export async function prepareKernelRouting(
  logger: Logger,
  iptables: Iptables = systemIptables,
): Promise<string | undefined> {
  const problem = await iptablesProblem(iptables);
  if (problem) return problem;
  const stale = await removeStaleChains(iptables);
  if (stale.length > 0)
    logger.info({ chains: stale }, 'router removed the iptables chains of gone processes');
  return undefined;
}

/**
 * The router for one agent of this process (`index` tells the agents of `drover up` apart in
 * the chain names): the userspace router, or with `--router kernel` its chains made and the
 * userspace router inside.
 */
export async function openAgentRouter(
  flags: RouterFlags,
  deps: RouterDeps & { index: number; iptables?: Iptables },
): Promise<AgentRouter | undefined> {
  const userspace = createAgentRouter(flags, deps);
  if (flags.router !== 'kernel' || !userspace) return userspace;
  const router = await KernelRouter.open({
    address: deps.address,
    chains: kernelChains(process.pid, deps.index),
    iptables: deps.iptables ?? systemIptables,
    userspace,
    logger: deps.logger.child({ component: 'router', address: deps.address }),
    clock: deps.clock,
  });
  deps.logger.info(
    { address: deps.address, chain: router.chains.nat },
    'router: TCP service ports in the kernel (iptables nat)',
  );
  return router;
}
