import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Constraint, ConstraintOperator } from '../domain/app.js';
import { seededRandom } from '../platform/ids.js';
import { placeTasks } from './placement.js';
import type {
  AgentCapacity,
  PlacedTask,
  PlacementInput,
  PlacementPlan,
  PlacementRequest,
} from './placement-types.js';
import { reasonCode } from './reasons.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

function agent(id: string, over: Partial<AgentCapacity> = {}): AgentCapacity {
  return {
    id,
    hostname: `${id}.local`,
    attributes: {},
    capabilities: { docker: true },
    resources: { cpus: 4, mem: 4096, disk: 10_000, ports: [[31_000, 31_099]] },
    used: { cpus: 0, mem: 0, disk: 0 },
    usedPorts: [],
    acceptsTasks: true,
    ...over,
  };
}

function request(key: string, over: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    key,
    appId: '/app',
    cpus: 0.1,
    mem: 32,
    disk: 0,
    ports: [0],
    requirePorts: false,
    constraints: [],
    needsDocker: false,
    ...over,
  };
}

function place(
  agents: AgentCapacity[],
  requests: PlacementRequest[],
  placed: PlacedTask[] = [],
): PlacementPlan {
  const rng = seededRandom(7);
  return placeTasks({ agents, placed, requests, random: () => rng.next() });
}

const agentOf = (plan: PlacementPlan) => plan.placements.map((p) => p.agentId);

// ---------------------------------------------------------------------------------------------
// Independent checker: recomputes everything from the input and the final assignment, naively,
// with Marathon's rules written out directly (strings, arrays, no shared code with placement).

const EPS = 1e-6;

function fieldOf(a: AgentCapacity, field: string): string | undefined {
  if (field === 'hostname' || field === '@hostname') return a.hostname;
  return Object.hasOwn(a.attributes, field) ? a.attributes[field] : undefined;
}

/** Marathon's Constraints.meetsConstraint: `others` are the agents of the app's earlier tasks. */
function meets(others: AgentCapacity[], offer: AgentCapacity, [field, op, value]: Constraint): boolean {
  const offered = fieldOf(offer, field);
  if (offered === undefined) return op === 'UNLIKE';
  const values = others.map((o) => fieldOf(o, field));
  const groups = new Map<string | undefined, number>();
  for (const v of values) groups.set(v, (groups.get(v) ?? 0) + 1);
  const fullMatch = (re: string) => {
    try {
      return new RegExp(`^(?:${re})$`).test(offered);
    } catch {
      return undefined;
    }
  };
  switch (op) {
    case 'UNIQUE':
      return values.every((v) => v !== offered);
    case 'CLUSTER':
      return value ? offered === value : values.length === 0 || values[0] === offered;
    case 'GROUP_BY': {
      const minimum = value === undefined ? 0 : Math.max(0, Number.parseInt(value, 10) || 0);
      if (!groups.has(offered)) return true;
      const minCount = Math.min(...groups.values());
      return groups.size >= minimum && groups.get(offered) === minCount;
    }
    case 'MAX_PER':
      return (groups.get(offered) ?? 0) < Number(value);
    case 'LIKE':
      return value ? fullMatch(value) === true : false;
    case 'UNLIKE':
      return value ? fullMatch(value) === false : false;
    case 'IS':
      return offered === value;
  }
}

interface AgentTally {
  cpus: number;
  mem: number;
  disk: number;
  ports: Set<number>;
}

function inRanges(a: AgentCapacity, p: number): boolean {
  return a.resources.ports.some(([lo, hi]) => p >= lo && p <= hi);
}

/** Free ports of an agent given what is taken. */
function freePorts(a: AgentCapacity, taken: Set<number>): number {
  const free = new Set<number>();
  for (const [lo, hi] of a.resources.ports) for (let p = lo; p <= hi; p++) if (!taken.has(p)) free.add(p);
  return free.size;
}

function portsFit(a: AgentCapacity, taken: Set<number>, wanted: number[]): boolean {
  const fixed = wanted.filter((p) => p !== 0);
  if (new Set(fixed).size !== fixed.length) return false;
  if (fixed.some((p) => taken.has(p) || !inRanges(a, p))) return false;
  return freePorts(a, taken) >= wanted.length;
}

/** Returns the violations found (empty = plan is valid). */
function checkPlan(input: PlacementInput, plan: PlacementPlan, complete = false): string[] {
  const errors: string[] = [];
  const agents = new Map(input.agents.map((a) => [a.id, a]));
  const requests = new Map(input.requests.map((r) => [r.key, r]));
  const tally = new Map<string, AgentTally>(
    input.agents.map((a) => [
      a.id,
      { cpus: a.used.cpus, mem: a.used.mem, disk: a.used.disk, ports: new Set(a.usedPorts) },
    ]),
  );
  // The app's tasks in order, as agents: pre-existing first, then the plan's placements.
  const tasks = new Map<string, AgentCapacity[]>();
  for (const t of input.placed) {
    const a = agents.get(t.agentId);
    if (a) tasks.set(t.appId, [...(tasks.get(t.appId) ?? []), a]);
  }

  const seen = new Set<string>();
  const loaded = new Set<string>();
  for (const p of plan.placements) {
    const r = requests.get(p.key);
    const a = agents.get(p.agentId);
    if (!r || !a) {
      errors.push(`placement ${p.key} names an unknown request or agent`);
      continue;
    }
    if (seen.has(p.key)) errors.push(`${p.key} placed twice`);
    seen.add(p.key);
    if (p.hostname !== a.hostname) errors.push(`${p.key}: hostname ${p.hostname} is not ${a.hostname}`);
    if (!a.acceptsTasks) errors.push(`${p.key} on non-accepting ${a.id}`);
    if (r.needsDocker && !a.capabilities.docker) errors.push(`${p.key} needs docker, ${a.id} has none`);
    const t = tally.get(a.id)!;
    t.cpus += r.cpus;
    t.mem += r.mem;
    t.disk += r.disk;
    loaded.add(a.id);
    if (p.ports.length !== r.ports.length)
      errors.push(`${p.key}: ${p.ports.length} ports for ${r.ports.length}`);
    p.ports.forEach((port, i) => {
      if (!inRanges(a, port)) errors.push(`${p.key}: port ${port} outside ${a.id}'s ranges`);
      if (t.ports.has(port)) errors.push(`${p.key}: port ${port} on ${a.id} already taken`);
      t.ports.add(port);
      const want = r.ports[i];
      if (want !== 0 && want !== port) errors.push(`${p.key}: asked for port ${want}, got ${port}`);
    });
    const others = tasks.get(r.appId) ?? [];
    for (const c of r.constraints) {
      if (!meets(others, a, c)) errors.push(`${p.key} on ${a.id} breaks ${c.join(' ')}`);
    }
    tasks.set(r.appId, [...others, a]);
  }

  // Checked at the end: an agent that received anything is within its totals (one that was
  // over-committed before the call must not receive anything).
  for (const id of loaded) {
    const a = agents.get(id)!;
    const t = tally.get(id)!;
    for (const k of ['cpus', 'mem', 'disk'] as const) {
      if (t[k] > a.resources[k] + EPS) errors.push(`${id} ${k} over-committed: ${t[k]} > ${a.resources[k]}`);
    }
  }

  for (const u of plan.unplaced) {
    const r = requests.get(u.key);
    if (!r) errors.push(`unplaced ${u.key} is not a request`);
    if (seen.has(u.key)) errors.push(`${u.key} both placed and unplaced`);
    seen.add(u.key);
    const ids = u.rejections.map((x) => x.agentId);
    if (ids.join() !== input.agents.map((a) => a.id).join())
      errors.push(`${u.key}: rejections do not list every agent`);
    for (const x of u.rejections)
      if (x.reasons.length === 0) errors.push(`${u.key}: no reason for ${x.agentId}`);
    if (complete && r) {
      // Nothing that could take it was left unused: no agent could take it even now.
      for (const a of input.agents) {
        const t = tally.get(a.id)!;
        const fits =
          a.acceptsTasks &&
          (!r.needsDocker || a.capabilities.docker) &&
          t.cpus + r.cpus <= a.resources.cpus + 1e-9 &&
          t.mem + r.mem <= a.resources.mem + 1e-9 &&
          t.disk + r.disk <= a.resources.disk + 1e-9 &&
          portsFit(a, t.ports, r.ports) &&
          r.constraints.every((c) => meets(tasks.get(r.appId) ?? [], a, c));
        if (fits) errors.push(`${u.key} unplaced but ${a.id} could take it`);
      }
    }
  }
  for (const r of input.requests) if (!seen.has(r.key)) errors.push(`${r.key} neither placed nor unplaced`);
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Generators: small clusters so that capacity, ports and constraints all run out sometimes.

const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5'];
const RACKS = ['r1', 'r2', 'r3'];
const OPERATORS: ConstraintOperator[] = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];
const APPS = ['/a', '/b', '/c'];

const agentArb = fc.record({
  hostname: fc.constantFrom(...HOSTS),
  rack: fc.option(fc.constantFrom(...RACKS), { nil: undefined }),
  zone: fc.option(fc.constantFrom('z1', 'z2'), { nil: undefined }),
  docker: fc.boolean(),
  accepts: fc.integer({ min: 0, max: 4 }).map((n) => n !== 0),
  cpus: fc.integer({ min: 0, max: 8 }).map((n) => n * 0.5),
  mem: fc.integer({ min: 0, max: 16 }).map((n) => n * 128),
  disk: fc.integer({ min: 0, max: 4 }).map((n) => n * 100),
  usedCpus: fc.integer({ min: 0, max: 10 }).map((n) => n * 0.1),
  usedMem: fc.integer({ min: 0, max: 4 }).map((n) => n * 64),
  ranges: fc.array(
    fc
      .tuple(fc.integer({ min: 1000, max: 1010 }), fc.integer({ min: 0, max: 6 }))
      .map(([lo, n]) => [lo, lo + n]),
    { minLength: 0, maxLength: 2 },
  ),
  usedPorts: fc.array(fc.integer({ min: 998, max: 1016 }), { maxLength: 4 }),
});

const FIELDS = ['hostname', '@hostname', 'rack', 'zone'];
const VALUES = ['r1', 'r2', 'h1', 'h2', 'z1'];
const REGEXES = ['r[12]', '.*', 'h[1-3]', 'z1', 'r1|h2'];
const COUNTS = ['1', '2', '3'];

/** Mostly meaningful operator/value pairs, sometimes anything (empty or invalid values included). */
const constraintArb: fc.Arbitrary<Constraint> = fc
  .oneof(
    {
      arbitrary: fc.tuple(fc.constantFrom(...FIELDS), fc.constant('UNIQUE' as const), fc.constant(undefined)),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...FIELDS),
        fc.constant('CLUSTER' as const),
        fc.constantFrom(undefined, ...VALUES),
      ),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...FIELDS),
        fc.constant('GROUP_BY' as const),
        fc.constantFrom(undefined, ...COUNTS),
      ),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...FIELDS),
        fc.constantFrom('LIKE' as const, 'UNLIKE' as const),
        fc.constantFrom(...REGEXES),
      ),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...FIELDS),
        fc.constant('MAX_PER' as const),
        fc.constantFrom(...COUNTS),
      ),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(fc.constantFrom(...FIELDS), fc.constant('IS' as const), fc.constantFrom(...VALUES)),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...FIELDS, 'missing'),
        fc.constantFrom(...OPERATORS),
        fc.constantFrom(undefined, '', '(', 'x', ...VALUES, ...REGEXES, ...COUNTS),
      ),
      weight: 1,
    },
  )
  .map(([field, op, value]) => (value === undefined ? [field, op] : [field, op, value]) as Constraint);

const shapeArb = fc.record({
  cpus: fc.constantFrom(0, 0.1, 0.25, 0.5, 1),
  mem: fc.constantFrom(0, 16, 64, 128),
  disk: fc.constantFrom(0, 50),
  ports: fc.array(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: 999, max: 1016 }), weight: 1 },
    ),
    { maxLength: 3 },
  ),
  requirePorts: fc.boolean(),
  constraints: fc.array(constraintArb, { maxLength: 2 }),
  needsDocker: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never;

/** Requests where each app has one shape (so "unplaced" can be checked for completeness) or many. */
function inputArb(onePerApp: boolean): fc.Arbitrary<PlacementInput> {
  return fc
    .record({
      agents: fc.array(agentArb, { minLength: 0, maxLength: 6 }),
      appShapes: fc.tuple(shapeArb, shapeArb, shapeArb),
      requests: fc.array(
        fc.record({
          app: fc.integer({ min: 0, max: 2 }),
          priority: fc.integer({ min: -1, max: 2 }),
          shape: shapeArb,
        }),
        { maxLength: 25 },
      ),
      placed: fc.array(
        fc.record({ app: fc.integer({ min: 0, max: 2 }), agent: fc.integer({ min: 0, max: 6 }) }),
        {
          maxLength: 6,
        },
      ),
      seed: fc.integer(),
    })
    .map(({ agents, appShapes, requests, placed, seed }) => {
      const rng = seededRandom(seed);
      return {
        agents: agents.map(
          (g, i): AgentCapacity => ({
            id: `agent-${i}`,
            hostname: g.hostname,
            attributes: { ...(g.rack ? { rack: g.rack } : {}), ...(g.zone ? { zone: g.zone } : {}) },
            capabilities: { docker: g.docker },
            resources: { cpus: g.cpus, mem: g.mem, disk: g.disk, ports: g.ranges as Array<[number, number]> },
            used: { cpus: g.usedCpus, mem: g.usedMem, disk: 0 },
            usedPorts: g.usedPorts,
            acceptsTasks: g.accepts,
          }),
        ),
        // agent-6 never exists: placed tasks on unknown agents must be tolerated.
        placed: placed.map((p) => ({ appId: APPS[p.app]!, agentId: `agent-${p.agent}` })),
        requests: requests.map((r, i): PlacementRequest => {
          const shape: Shape = onePerApp ? appShapes[r.app]! : r.shape;
          return { key: `t${i}`, appId: APPS[r.app]!, priority: r.priority, ...shape };
        }),
        random: () => rng.next(),
      };
    });
}

// ---------------------------------------------------------------------------------------------

describe('placeTasks: properties', () => {
  it('never over-commits, never shares a port, honours ports and constraints, explains every miss', () => {
    fc.assert(
      fc.property(inputArb(false), (input) => {
        const plan = placeTasks(input);
        assert.deepEqual(checkPlan(input, plan), []);
      }),
      { numRuns: 600 },
    );
  });

  it('leaves a request unplaced only when no agent could take it', () => {
    fc.assert(
      fc.property(inputArb(true), (input) => {
        const plan = placeTasks(input);
        assert.deepEqual(checkPlan(input, plan, true), []);
      }),
      { numRuns: 600 },
    );
  });

  it('places in priority order, input order within a priority', () => {
    fc.assert(
      fc.property(inputArb(false), (input) => {
        const plan = placeTasks(input);
        const rank = new Map(input.requests.map((r, i) => [r.key, [-(r.priority ?? 0), i] as const]));
        const keys = plan.placements.map((p) => rank.get(p.key)!);
        for (let i = 1; i < keys.length; i++) {
          const [a, b] = [keys[i - 1]!, keys[i]!];
          assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic for the same input and seed', () => {
    fc.assert(
      fc.property(inputArb(false), fc.integer(), (input, seed) => {
        const run = () => {
          const rng = seededRandom(seed);
          return placeTasks({ ...input, random: () => rng.next() });
        };
        assert.deepEqual(run(), run());
      }),
      { numRuns: 100 },
    );
  });
});

describe('placeTasks: spreading', () => {
  it('spreads an app over agents before doubling up', () => {
    const plan = place(
      [agent('a'), agent('b'), agent('c')],
      ['1', '2', '3', '4'].map((k) => request(k)),
    );
    assert.deepEqual(agentOf(plan).slice(0, 3).sort(), ['a', 'b', 'c']);
    assert.equal(plan.placements.length, 4);
  });

  it('prefers the least loaded agent', () => {
    const busy = agent('busy', { used: { cpus: 3, mem: 100, disk: 0 } });
    const idle = agent('idle', { used: { cpus: 1, mem: 100, disk: 0 } });
    assert.deepEqual(agentOf(place([busy, idle], [request('1')])), ['idle']);
  });

  it('load is the larger of cpu and mem utilisation', () => {
    const memHeavy = agent('mem-heavy', { used: { cpus: 0, mem: 3500, disk: 0 } });
    const cpuSome = agent('cpu-some', { used: { cpus: 2, mem: 0, disk: 0 } });
    assert.deepEqual(agentOf(place([memHeavy, cpuSome], [request('1')])), ['cpu-some']);
  });

  it('prefers an agent without the app over a less loaded one with it', () => {
    const withApp = agent('with-app');
    const loaded = agent('loaded', { used: { cpus: 3, mem: 0, disk: 0 } });
    const plan = place([withApp, loaded], [request('1')], [{ appId: '/app', agentId: 'with-app' }]);
    assert.deepEqual(agentOf(plan), ['loaded']);
  });

  it('other apps only count as load', () => {
    const plan = place(
      [agent('a'), agent('b')],
      [request('1', { appId: '/x' }), request('2', { appId: '/y' })],
    );
    assert.deepEqual(agentOf(plan), ['a', 'b']);
  });

  it('breaks ties by input order', () => {
    assert.deepEqual(agentOf(place([agent('z'), agent('a')], [request('1')])), ['z']);
  });
});

describe('placeTasks: resources', () => {
  it('sees its own earlier placements and never over-commits', () => {
    const plan = place(
      [agent('a', { resources: { cpus: 1, mem: 4096, disk: 0, ports: [[1, 100]] } })],
      [...Array.from({ length: 11 }, (_, i) => request(String(i), { cpus: 0.1 }))],
    );
    // 10 x 0.1 cpus fit exactly in 1 cpu despite float arithmetic; the 11th does not.
    assert.equal(plan.placements.length, 10);
    assert.deepEqual(plan.unplaced[0]!.rejections[0]!.reasons, ['InsufficientCpus']);
  });

  it('names every resource that is short', () => {
    const tiny = agent('tiny', { resources: { cpus: 0.1, mem: 16, disk: 1, ports: [] } });
    const plan = place([tiny], [request('1', { cpus: 1, mem: 64, disk: 5, ports: [0] })]);
    assert.deepEqual(plan.unplaced, [
      {
        key: '1',
        appId: '/app',
        rejections: [
          {
            agentId: 'tiny',
            hostname: 'tiny.local',
            reasons: ['InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientPorts'],
          },
        ],
      },
    ]);
  });

  it('counts what agents already use', () => {
    const full = agent('full', { used: { cpus: 3.95, mem: 0, disk: 0 } });
    assert.equal(place([full], [request('1', { cpus: 0.1 })]).placements.length, 0);
  });

  it('skips draining agents and agents without docker', () => {
    const draining = agent('draining', { acceptsTasks: false });
    const plain = agent('plain', { capabilities: { docker: false } });
    const plan = place([draining, plain], [request('1', { needsDocker: true })]);
    assert.deepEqual(
      plan.unplaced[0]!.rejections.map((r) => r.reasons),
      [['AgentUnavailable'], ['NoDockerCapability']],
    );
  });

  it('places privileged containers only on agents that allow them; older agents do not', () => {
    const allows = agent('allows', { capabilities: { docker: true, privileged: true } });
    const refuses = agent('refuses', { capabilities: { docker: true, privileged: false } });
    const older = agent('older', { capabilities: { docker: true } });
    const plan = place(
      [refuses, older, allows],
      [request('p', { needsDocker: true, needsPrivileged: true })],
    );
    assert.deepEqual(
      plan.placements.map((p) => p.agentId),
      ['allows'],
    );
    const none = place([refuses, older], [request('p', { needsDocker: true, needsPrivileged: true })]);
    assert.deepEqual(
      none.unplaced[0]!.rejections.map((r) => r.reasons),
      [['NoPrivilegedCapability'], ['NoPrivilegedCapability']],
    );
    // Unprivileged containers still go anywhere with docker.
    assert.equal(place([older], [request('u', { needsDocker: true })]).placements.length, 1);
  });

  it('places higher priority first', () => {
    const one = agent('one', { resources: { cpus: 1, mem: 4096, disk: 0, ports: [[1, 10]] } });
    const plan = place([one], [request('low', { cpus: 1 }), request('high', { cpus: 1, priority: 5 })]);
    assert.deepEqual(
      plan.placements.map((p) => p.key),
      ['high'],
    );
    assert.deepEqual(
      plan.unplaced.map((u) => u.key),
      ['low'],
    );
  });

  it('explains identical waiting requests the same way', () => {
    const plan = place(
      [agent('a', { resources: { cpus: 0, mem: 0, disk: 0, ports: [] } })],
      [request('1'), request('2')],
    );
    assert.equal(plan.unplaced.length, 2);
    assert.deepEqual(plan.unplaced[0]!.rejections, plan.unplaced[1]!.rejections);
  });
});

describe('placeTasks: ports', () => {
  const narrow = () => agent('a', { resources: { cpus: 4, mem: 4096, disk: 0, ports: [[5000, 5002]] } });

  it('gives random distinct ports from the ranges until they run out', () => {
    const plan = place(
      [narrow()],
      ['1', '2', '3', '4'].map((k) => request(k)),
    );
    const ports = plan.placements.flatMap((p) => p.ports).sort();
    assert.deepEqual(ports, [5000, 5001, 5002]);
    assert.equal(reasonCode(plan.unplaced[0]!.rejections[0]!.reasons[0]!), 'InsufficientPorts');
  });

  it('gives a task several distinct ports', () => {
    const plan = place([narrow()], [request('1', { ports: [0, 0, 0] })]);
    assert.deepEqual([...plan.placements[0]!.ports].sort(), [5000, 5001, 5002]);
  });

  it('honours requirePorts: exactly the named host ports, once per agent', () => {
    const plan = place(
      [narrow(), agent('b', { resources: { cpus: 4, mem: 4096, disk: 0, ports: [[5001, 5001]] } })],
      ['1', '2', '3'].map((k) => request(k, { ports: [5001, 0], requirePorts: true })),
    );
    assert.deepEqual(plan.placements[0]!.ports[0], 5001);
    assert.equal(plan.placements.length, 1, 'b has 5001 but no second port; a has 5001 only once');
    assert.deepEqual(
      plan.unplaced[0]!.rejections.map((r) => r.reasons),
      [['InsufficientPorts'], ['InsufficientPorts']],
    );
  });

  it('never reuses a port the agent already uses, nor one outside its ranges', () => {
    const a = agent('a', {
      resources: { cpus: 4, mem: 4096, disk: 0, ports: [[5000, 5001]] },
      usedPorts: [5000, 9],
    });
    const plan = place([a], [request('1'), request('2', { ports: [6000] })]);
    assert.deepEqual(plan.placements[0]!.ports, [5001]);
    assert.deepEqual(
      plan.unplaced.map((u) => u.key),
      ['2'],
    );
  });

  it('requests without ports need none', () => {
    const plan = place(
      [agent('a', { resources: { cpus: 4, mem: 4096, disk: 0, ports: [] } })],
      [request('1', { ports: [] })],
    );
    assert.deepEqual(plan.placements[0]!.ports, []);
  });
});
