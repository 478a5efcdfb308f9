/**
 * placeTasks: the pure placement core. Requests go highest priority first (then input order); each
 * goes to a feasible agent chosen by ranking.ts, and the agent's working capacity, ports and the
 * app's constraint counts are updated before the next request is considered.
 */
import { AgentPool, type Demand } from './agent-pool.js';
import { AppConstraints } from './app-constraints.js';
import { AppRegistry } from './app-tasks.js';
import { type ConstraintCheck, ConstraintCompiler } from './constraints.js';
import { FieldIndexes } from './field-values.js';
import type {
  Placement,
  PlacementInput,
  PlacementPlan,
  PlacementRequest,
  Unplaced,
} from './placement-types.js';
import { portDemand } from './ports.js';
import { LoadOrder } from './ranking.js';
import { FailureMemo, rejectionsFor } from './rejections.js';
import { demandMilli } from './resources.js';

export function placeTasks(input: PlacementInput): PlacementPlan {
  const { agents, random } = input;
  const pool = new AgentPool(agents);
  const agentIndex = new Map(agents.map((agent, a) => [agent.id, a]));
  const apps = new AppRegistry(input.placed, agentIndex, new Set(input.requests.map((r) => r.appId)));
  const constraints = new AppConstraints(new ConstraintCompiler(new FieldIndexes(agents)));
  const accepting = agents.flatMap((agent, a) => (agent.acceptsTasks ? [a] : []));
  const order = new LoadOrder(accepting, pool.load);
  const failures = new FailureMemo();

  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  for (const request of byPriority(input.requests)) {
    const { key, appId } = request;
    const app = apps.get(appId);
    const taskCount = app.taskCount;
    const known = failures.get(appId, taskCount, () => shapeOf(request));
    if (known) {
      unplaced.push({ key, appId, rejections: known });
      continue;
    }
    const demand = demandOf(request);
    const { checks, preference } = constraints.for(app, request.constraints);
    const choice = order.best(app, (a) => pool.fits(a, demand) && allHold(checks, a), preference);
    if (!choice) {
      const rejections = rejectionsFor(pool, demand, checks);
      failures.remember(appId, taskCount, shapeOf(request), rejections);
      unplaced.push({ key, appId, rejections });
      continue;
    }
    const ports = pool.take(choice.agent, demand, random);
    app.add(choice.agent);
    order.moved(choice.position);
    const agent = agents[choice.agent]!;
    placements.push({ key, agentId: agent.id, hostname: agent.hostname, ports });
  }
  return { placements, unplaced };
}

function allHold(checks: readonly ConstraintCheck[], agent: number): boolean {
  for (const check of checks) if (!check.ok(agent)) return false;
  return true;
}

/** Highest priority first, input order within a priority (a stable sort). */
function byPriority(requests: readonly PlacementRequest[]): PlacementRequest[] {
  const priority = (r: PlacementRequest): number => (Number.isFinite(r.priority) ? r.priority! : 0);
  if (requests.every((r) => priority(r) === 0)) return requests.slice();
  return requests.slice().sort((x, y) => priority(y) - priority(x));
}

function demandOf(r: PlacementRequest): Demand {
  return {
    cpus: demandMilli(r.cpus),
    mem: demandMilli(r.mem),
    disk: demandMilli(r.disk),
    ports: portDemand(r.ports),
    needsDocker: r.needsDocker,
    needsPrivileged: r.needsPrivileged === true,
  };
}

/** Everything but the key: two requests with the same shape are interchangeable for placement. */
function shapeOf(r: PlacementRequest): string {
  return JSON.stringify([
    r.cpus,
    r.mem,
    r.disk,
    r.ports,
    r.needsDocker,
    r.needsPrivileged === true,
    r.constraints,
  ]);
}
