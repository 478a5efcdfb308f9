/**
 * placeTasks: the pure placement core. Requests go highest priority first (then input order); each
 * goes to a feasible agent chosen by ranking.ts, and the agent's working capacity, ports and the
 * app's constraint counts are updated before the next request is considered.
 */
import type { Constraint } from '../domain/app.js';
import { AgentPool, type Demand } from './agent-pool.js';
import { AppRegistry, type AppTasks } from './app-tasks.js';
import { type ConstraintCheck, ConstraintCompiler, type Preference } from './constraints.js';
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
  const apps = new AppRegistry(input.placed, agentIndex);
  const checksFor = constraintCache(new ConstraintCompiler(new FieldIndexes(agents)));
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
    const checks = checksFor(app, request);
    const choice = order.best(
      app,
      (a) => pool.fits(a, demand) && checks.every((c) => c.ok(a)),
      preferenceOf(checks),
    );
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

/** The checks' preferences summed; undefined when none has one. */
function preferenceOf(checks: readonly ConstraintCheck[]): Preference | undefined {
  const prefs = checks.flatMap((c) => (c.preference ? [c.preference] : []));
  if (prefs.length <= 1) return prefs[0];
  return {
    score: (a) => prefs.reduce((sum, p) => sum + p.score(a), 0),
    floor: () => prefs.reduce((sum, p) => sum + p.floor(), 0),
  };
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
  };
}

/** Everything but the key: two requests with the same shape are interchangeable for placement. */
function shapeOf(r: PlacementRequest): string {
  return JSON.stringify([r.cpus, r.mem, r.disk, r.ports, r.needsDocker, r.constraints]);
}

/**
 * Compiled checks per app and constraint list. Requests of one app usually share the app
 * definition's constraints array, so identity is tried before comparing contents.
 */
function constraintCache(compiler: ConstraintCompiler) {
  const cache = new Map<AppTasks, Array<{ list: Constraint[]; text: string; checks: ConstraintCheck[] }>>();
  return (app: AppTasks, request: PlacementRequest): ConstraintCheck[] => {
    const list = request.constraints;
    if (list.length === 0) return [];
    let entries = cache.get(app);
    if (!entries) {
      entries = [];
      cache.set(app, entries);
    }
    const same = entries.find((e) => e.list === list);
    if (same) return same.checks;
    const text = JSON.stringify(list);
    const equal = entries.find((e) => e.text === text);
    if (equal) return equal.checks;
    const checks = list.map((c) => compiler.compile(c, app));
    entries.push({ list, text, checks });
    return checks;
  };
}
