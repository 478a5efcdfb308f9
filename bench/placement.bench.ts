/**
 * Bench (a): pure placement of 100,000 tasks (1,000 apps x 100 instances; some hostname UNIQUE,
 * some GROUP_BY rack, some LIKE, 1-2 ports each) onto 1,000 simulated agents, timed around
 * placeTasks only. Two modes: one call for all requests, and 100 calls of 1,000 where each call
 * sees the tasks placed by the previous ones (as the control plane calls it per reconcile tick).
 *
 *   node --import tsx bench/placement.bench.ts     # prints one JSON line
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Constraint } from '../src/domain/app.js';
import { seededRandom } from '../src/platform/ids.js';
import { placeTasks } from '../src/scheduler/placement.js';
import type {
  AgentCapacity,
  PlacedTask,
  PlacementPlan,
  PlacementRequest,
  Rng,
} from '../src/scheduler/placement-types.js';

const AGENTS = 1_000;
const APPS = 1_000;
const INSTANCES = 100;
const RACKS = 20;
const BATCH = 1_000;
const SEED = 42;
const TARGET_PER_SEC = 5_000;

function agentsFor(rng: Rng): AgentCapacity[] {
  return Array.from({ length: AGENTS }, (_, i) => ({
    id: `agent-${i}`,
    hostname: `host-${i}.cluster.local`,
    attributes: { rack: `rack-${i % RACKS}`, zone: `zone-${i % 3}`, disk_type: i % 4 === 0 ? 'ssd' : 'hdd' },
    capabilities: { docker: i % 2 === 0 },
    // Enough for the whole workload with headroom: ~100 tasks of <= 0.25 cpus / 256 MB each.
    resources: { cpus: 32 + Math.floor(rng() * 16), mem: 65_536, disk: 500_000, ports: [[31_000, 32_000]] },
    used: { cpus: 0, mem: 0, disk: 0 },
    usedPorts: [],
    acceptsTasks: true,
  }));
}

function constraintsFor(app: number): Constraint[] {
  switch (app % 10) {
    case 0:
    case 1:
      return [['hostname', 'UNIQUE']];
    case 2:
    case 3:
      return [['rack', 'GROUP_BY', String(RACKS)]];
    case 4:
      return [['rack', 'LIKE', 'rack-1[0-9]']];
    case 5:
      return [
        ['zone', 'UNLIKE', 'zone-2'],
        ['rack', 'MAX_PER', '10'],
      ];
    default:
      return [];
  }
}

function requestsFor(rng: Rng): PlacementRequest[] {
  const requests: PlacementRequest[] = [];
  for (let app = 0; app < APPS; app++) {
    const appId = `/bench/app-${app}`;
    const constraints = constraintsFor(app);
    const cpus = [0.1, 0.25, 0.5][app % 3]!;
    const mem = [32, 64, 128, 256][app % 4]!;
    const ports = rng() < 0.5 ? [0] : [0, 0];
    for (let i = 0; i < INSTANCES; i++) {
      requests.push({
        key: `${appId}.${i}`,
        appId,
        cpus,
        mem,
        disk: 10,
        ports,
        requirePorts: false,
        constraints,
        needsDocker: app % 25 === 0,
      });
    }
  }
  return requests;
}

function timed(run: () => PlacementPlan): { plan: PlacementPlan; ms: number } {
  const start = performance.now();
  const plan = run();
  return { plan, ms: performance.now() - start };
}

type ViolationKind = 'capacity' | 'ports' | 'unique' | 'groupBy' | 'like' | 'unlike' | 'maxPer' | 'docker';

/**
 * Invariants of a placement (the one-call plan, or every batch's together), checked outside the
 * timing so a fast but wrong placement cannot pass: capacity, ports (in range, never shared), and
 * every constraint of the workload (hostname UNIQUE, GROUP_BY rack spread evenly, LIKE, UNLIKE,
 * MAX_PER) and the Docker capability, computed here from the raw placements, not by the
 * scheduler's own constraint code.
 */
function violations(
  agents: AgentCapacity[],
  requests: Map<string, PlacementRequest>,
  placements: PlacementPlan['placements'],
): { total: number; byKind: Record<ViolationKind, number> } {
  const byKind: Record<ViolationKind, number> = {
    capacity: 0,
    ports: 0,
    unique: 0,
    groupBy: 0,
    like: 0,
    unlike: 0,
    maxPer: 0,
    docker: 0,
  };
  const byId = new Map(
    agents.map((a) => [a.id, { agent: a, cpus: 0, mem: 0, disk: 0, ports: new Set<number>() }]),
  );
  const uniqueHosts = new Set<string>();
  /** app -> attribute value -> tasks there, for GROUP_BY and MAX_PER. */
  const perValue = new Map<string, Map<string, number>>();
  for (const p of placements) {
    const r = requests.get(p.key)!;
    const t = byId.get(p.agentId)!;
    t.cpus += r.cpus;
    t.mem += r.mem;
    t.disk += r.disk;
    for (const port of p.ports) {
      const [[lo, hi]] = t.agent.resources.ports as [[number, number]];
      if (t.ports.has(port) || port < lo || port > hi) byKind.ports++;
      t.ports.add(port);
    }
    if (r.needsDocker && !t.agent.capabilities?.docker) byKind.docker++;
    for (const [field, op, value] of r.constraints) {
      const actual = field === 'hostname' ? t.agent.hostname : (t.agent.attributes[field] ?? '');
      if (op === 'UNIQUE') {
        const key = `${r.appId} ${actual}`;
        if (uniqueHosts.has(key)) byKind.unique++;
        uniqueHosts.add(key);
      } else if (op === 'LIKE' && !new RegExp(`^(?:${value})$`).test(actual)) byKind.like++;
      else if (op === 'UNLIKE' && new RegExp(`^(?:${value})$`).test(actual)) byKind.unlike++;
      else if (op === 'GROUP_BY' || op === 'MAX_PER') {
        const key = `${r.appId}\u0000${op}\u0000${field}`;
        const counts = perValue.get(key) ?? new Map<string, number>();
        counts.set(actual, (counts.get(actual) ?? 0) + 1);
        perValue.set(key, counts);
      }
    }
  }
  for (const t of byId.values()) {
    const { cpus, mem, disk } = t.agent.resources;
    if (t.cpus > cpus + 1e-6 || t.mem > mem + 1e-6 || t.disk > disk + 1e-6) byKind.capacity++;
  }
  const constraintsOf = new Map([...requests.values()].map((r) => [r.appId, r.constraints]));
  for (const [key, counts] of perValue) {
    const [appId, op, field] = key.split('\u0000') as [string, string, string];
    const value = constraintsOf.get(appId)?.find(([f, o]) => f === field && o === op)?.[2];
    if (op === 'MAX_PER') {
      for (const n of counts.values()) if (n > Number(value)) byKind.maxPer++;
    } else {
      // Spread evenly over every value the agents have (a value with no task counts as 0).
      const values = new Set(agents.map((a) => a.attributes[field] ?? ''));
      const all = [...values].map((v) => counts.get(v) ?? 0);
      if (Math.max(...all) - Math.min(...all) > 1) byKind.groupBy++;
    }
  }
  const total = Object.values(byKind).reduce((x, y) => x + y, 0);
  return { total, byKind };
}

/** Agents as the control plane would rebuild them after applying earlier plans. */
function withPlacements(
  agents: AgentCapacity[],
  requests: Map<string, PlacementRequest>,
  plan: PlacementPlan,
) {
  const byId = new Map(agents.map((a) => [a.id, a]));
  for (const p of plan.placements) {
    const agent = byId.get(p.agentId)!;
    const r = requests.get(p.key)!;
    agent.used.cpus += r.cpus;
    agent.used.mem += r.mem;
    agent.used.disk += r.disk;
    agent.usedPorts = [...agent.usedPorts, ...p.ports];
  }
}

export async function benchPlacement(): Promise<{
  placementsPerSec: number;
  batchedPlacementsPerSec: number;
  requests: number;
  agents: number;
  placed: number;
  unplaced: number;
  oneCallMs: number;
  violations: number;
  violationsByKind: Record<ViolationKind, number>;
  batchedViolations: number;
  batchedViolationsByKind: Record<ViolationKind, number>;
  batchedPlaced: number;
  batchedUnplaced: number;
  batchedMs: number;
  batchSize: number;
  slowestBatchMs: number;
  targetPerSec: number;
  loadavg: number[];
}> {
  // One call with all 100,000 requests.
  const rngOne = seededRandom(SEED);
  const oneAgents = agentsFor(() => rngOne.next());
  const oneRequests = requestsFor(() => rngOne.next());
  const one = timed(() =>
    placeTasks({ agents: oneAgents, placed: [], requests: oneRequests, random: () => rngOne.next() }),
  );
  const invalid = violations(oneAgents, new Map(oneRequests.map((r) => [r.key, r])), one.plan.placements);

  // The same workload in batches; each call sees the tasks placed before it.
  const rng = seededRandom(SEED);
  const random = () => rng.next();
  const agents = agentsFor(random);
  const requests = requestsFor(random);
  const byKey = new Map(requests.map((r) => [r.key, r]));
  const placed: PlacedTask[] = [];
  let batchedMs = 0;
  let slowestBatchMs = 0;
  let batchedPlaced = 0;
  let batchedUnplaced = 0;
  const allBatches: PlacementPlan['placements'] = [];
  for (let i = 0; i < requests.length; i += BATCH) {
    const batch = requests.slice(i, i + BATCH);
    const { plan, ms } = timed(() => placeTasks({ agents, placed, requests: batch, random }));
    batchedMs += ms;
    slowestBatchMs = Math.max(slowestBatchMs, ms);
    batchedPlaced += plan.placements.length;
    batchedUnplaced += plan.unplaced.length;
    withPlacements(agents, byKey, plan);
    allBatches.push(...plan.placements);
    for (const p of plan.placements) placed.push({ appId: byKey.get(p.key)!.appId, agentId: p.agentId });
  }

  // The check sums the placements against each agent's total resources (not its `used`).
  const batchedInvalid = violations(agents, byKey, allBatches);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    placementsPerSec: Math.round(one.plan.placements.length / (one.ms / 1000)),
    batchedPlacementsPerSec: Math.round(batchedPlaced / (batchedMs / 1000)),
    requests: requests.length,
    agents: AGENTS,
    placed: one.plan.placements.length,
    unplaced: one.plan.unplaced.length,
    oneCallMs: round(one.ms),
    violations: invalid.total,
    violationsByKind: invalid.byKind,
    batchedViolations: batchedInvalid.total,
    batchedViolationsByKind: batchedInvalid.byKind,
    batchedPlaced,
    batchedUnplaced,
    batchedMs: round(batchedMs),
    batchSize: BATCH,
    slowestBatchMs: round(slowestBatchMs),
    targetPerSec: TARGET_PER_SEC,
    loadavg: loadavg().map(round),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'placement', ...(await benchPlacement()) }));
}
