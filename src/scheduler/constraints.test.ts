import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Constraint } from '../domain/app.js';
import { seededRandom } from '../platform/ids.js';
import { FieldGroups } from './app-tasks.js';
import { describeConstraint, fullMatchRegex, groupByMinimum, maxPerLimit } from './constraints.js';
import { formatScalar } from './field-values.js';
import { placeTasks } from './placement.js';
import type { AgentCapacity, PlacedTask, PlacementPlan, PlacementRequest } from './placement-types.js';

/** Agents `a0..`, each roomy, with the given attributes. */
function cluster(attributes: Array<Record<string, string>>): AgentCapacity[] {
  return attributes.map((attrs, i) => ({
    id: `a${i}`,
    hostname: `host-${i}`,
    attributes: attrs,
    capabilities: { docker: false },
    resources: { cpus: 100, mem: 100_000, disk: 0, ports: [[20_000, 20_999]] },
    used: { cpus: 0, mem: 0, disk: 0 },
    usedPorts: [],
    acceptsTasks: true,
  }));
}

function run(
  agents: AgentCapacity[],
  constraints: Constraint[],
  instances: number,
  placed: PlacedTask[] = [],
): PlacementPlan {
  const requests: PlacementRequest[] = Array.from({ length: instances }, (_, i) => ({
    key: `t${i}`,
    appId: '/app',
    cpus: 0.1,
    mem: 16,
    disk: 0,
    ports: [],
    requirePorts: false,
    constraints,
    needsDocker: false,
  }));
  const rng = seededRandom(1);
  return placeTasks({ agents, placed, requests, random: () => rng.next() });
}

const on = (plan: PlacementPlan) => plan.placements.map((p) => p.agentId);
function count(ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

/** Tasks per value of `attr` after a plan (agents as in `agents`). */
function perValue(agents: AgentCapacity[], plan: PlacementPlan, attr: string): Record<string, number> {
  const byId = new Map(agents.map((a) => [a.id, a]));
  return count(plan.placements.map((p) => byId.get(p.agentId)!.attributes[attr] ?? '(none)'));
}

const racks = (...names: string[]) => cluster(names.map((rack) => ({ rack })));

describe('UNIQUE', () => {
  it('hostname: one task per host, the rest unplaced with the constraint as reason', () => {
    const plan = run(cluster([{}, {}, {}]), [['hostname', 'UNIQUE']], 5);
    assert.deepEqual(on(plan).sort(), ['a0', 'a1', 'a2']);
    assert.equal(plan.unplaced.length, 2);
    for (const r of plan.unplaced[0]!.rejections)
      assert.deepEqual(r.reasons, ['UnfulfilledConstraint: hostname UNIQUE']);
  });

  it('counts tasks already placed', () => {
    const plan = run(cluster([{}, {}]), [['hostname', 'UNIQUE']], 2, [{ appId: '/app', agentId: 'a0' }]);
    assert.deepEqual(on(plan), ['a1']);
  });

  it('ignores tasks of other apps', () => {
    const plan = run(cluster([{}]), [['hostname', 'UNIQUE']], 1, [{ appId: '/other', agentId: 'a0' }]);
    assert.deepEqual(on(plan), ['a0']);
  });

  it('attribute: one task per value; agents without it are refused', () => {
    const plan = run(cluster([{ rack: 'r1' }, { rack: 'r1' }, { rack: 'r2' }, {}]), [['rack', 'UNIQUE']], 4);
    assert.deepEqual(on(plan).sort(), ['a0', 'a2']);
  });

  it('@hostname is the hostname field too', () => {
    const agents = cluster([{}, {}]);
    agents[1]!.hostname = 'host-0';
    assert.deepEqual(on(run(agents, [['@hostname', 'UNIQUE']], 2)), ['a0']);
  });
});

describe('CLUSTER', () => {
  it('with a value: only agents whose field equals it', () => {
    const plan = run(racks('r1', 'r2', 'r2'), [['rack', 'CLUSTER', 'r2']], 4);
    assert.deepEqual(perValue(racks('r1', 'r2', 'r2'), plan, 'rack'), { r2: 4 });
  });

  it('hostname with a value: only that host', () => {
    assert.deepEqual(
      new Set(on(run(cluster([{}, {}]), [['hostname', 'CLUSTER', 'host-1']], 3))),
      new Set(['a1']),
    );
  });

  it('without a value: the first task picks the value, the rest follow', () => {
    const agents = racks('r1', 'r2', 'r1', 'r2');
    const plan = run(agents, [['rack', 'CLUSTER']], 6);
    assert.equal(plan.placements.length, 6);
    assert.equal(Object.keys(perValue(agents, plan, 'rack')).length, 1);
  });

  it('without a value: an existing task decides', () => {
    const agents = racks('r1', 'r2');
    const plan = run(agents, [['rack', 'CLUSTER']], 3, [{ appId: '/app', agentId: 'a1' }]);
    assert.deepEqual(perValue(agents, plan, 'rack'), { r2: 3 });
  });

  it('hostname without a value: all tasks on one host', () => {
    assert.equal(new Set(on(run(cluster([{}, {}, {}]), [['hostname', 'CLUSTER']], 5))).size, 1);
  });

  it('refuses agents without the attribute', () => {
    assert.equal(run(cluster([{}]), [['rack', 'CLUSTER']], 1).placements.length, 0);
  });
});

describe('GROUP_BY', () => {
  it('spreads evenly over the values', () => {
    const agents = racks('r1', 'r1', 'r1', 'r2', 'r3');
    assert.deepEqual(perValue(agents, run(agents, [['rack', 'GROUP_BY']], 9), 'rack'), {
      r1: 3,
      r2: 3,
      r3: 3,
    });
  });

  it('fills the smallest group first when tasks exist', () => {
    const agents = racks('r1', 'r2');
    const placed = [
      { appId: '/app', agentId: 'a0' },
      { appId: '/app', agentId: 'a0' },
    ];
    assert.deepEqual(on(run(agents, [['rack', 'GROUP_BY']], 2, placed)), ['a1', 'a1']);
  });

  it('with a count: no group gets a second task until that many groups exist (Marathon)', () => {
    const plan = run(racks('r1', 'r2'), [['rack', 'GROUP_BY', '3']], 4);
    assert.equal(plan.placements.length, 2);
    assert.equal(plan.unplaced[0]!.rejections[0]!.reasons[0], 'UnfulfilledConstraint: rack GROUP_BY 3');
  });

  it('with a count that exists: even spread', () => {
    const agents = racks('r1', 'r2', 'r3');
    assert.deepEqual(perValue(agents, run(agents, [['rack', 'GROUP_BY', '3']], 6), 'rack'), {
      r1: 2,
      r2: 2,
      r3: 2,
    });
  });

  it('refuses agents without the attribute', () => {
    const agents = cluster([{ rack: 'r1' }, {}]);
    assert.deepEqual(on(run(agents, [['rack', 'GROUP_BY']], 2)), ['a0', 'a0']);
  });
});

describe('LIKE and UNLIKE', () => {
  it('LIKE matches the whole value', () => {
    const agents = racks('rack-1', 'rack-10', 'rack-2');
    assert.deepEqual(new Set(on(run(agents, [['rack', 'LIKE', 'rack-[12]']], 4))), new Set(['a0', 'a2']));
  });

  it('LIKE refuses agents without the attribute; UNLIKE accepts them', () => {
    const agents = cluster([{ rack: 'r1' }, {}]);
    assert.deepEqual(new Set(on(run(agents, [['rack', 'LIKE', '.*']], 4))), new Set(['a0']));
    assert.deepEqual(new Set(on(run(agents, [['rack', 'UNLIKE', 'r1']], 4))), new Set(['a1']));
  });

  it('UNLIKE refuses whole matches only', () => {
    const agents = racks('r1', 'r10');
    assert.deepEqual(new Set(on(run(agents, [['rack', 'UNLIKE', 'r1']], 2))), new Set(['a1']));
  });

  it('an invalid pattern or a missing value matches nothing', () => {
    assert.equal(run(racks('r1'), [['rack', 'LIKE', '(']], 1).placements.length, 0);
    assert.equal(run(racks('r1'), [['rack', 'LIKE']], 1).placements.length, 0);
    assert.equal(run(racks('r1'), [['rack', 'UNLIKE', '']], 1).placements.length, 0);
  });

  it('hostname', () => {
    assert.deepEqual(
      new Set(on(run(cluster([{}, {}]), [['hostname', 'LIKE', 'host-1']], 2))),
      new Set(['a1']),
    );
  });
});

describe('MAX_PER', () => {
  it('at most N tasks per value', () => {
    const agents = racks('r1', 'r1', 'r2');
    const plan = run(agents, [['rack', 'MAX_PER', '2']], 5);
    assert.deepEqual(perValue(agents, plan, 'rack'), { r1: 2, r2: 2 });
    assert.equal(plan.unplaced.length, 1);
  });

  it('hostname MAX_PER 1 is UNIQUE', () => {
    assert.equal(run(cluster([{}, {}]), [['hostname', 'MAX_PER', '1']], 3).placements.length, 2);
  });

  it('a value that is not an integer holds nowhere', () => {
    assert.equal(run(racks('r1'), [['rack', 'MAX_PER', 'two']], 1).placements.length, 0);
  });
});

describe('IS', () => {
  it('only agents whose value equals it', () => {
    assert.deepEqual(new Set(on(run(racks('r1', 'r2'), [['rack', 'IS', 'r2']], 2))), new Set(['a1']));
  });

  it('compares scalars as Mesos formats them', () => {
    const agents = cluster([{ cores: '4' }, { cores: '8.50' }]);
    assert.deepEqual(on(run(agents, [['cores', 'IS', '4.0']], 1)), ['a0']);
    assert.deepEqual(on(run(agents, [['cores', 'IS', '8.5']], 1)), ['a1']);
  });
});

describe('several constraints', () => {
  it('must all hold; each failing one is a reason', () => {
    const agents = racks('r1', 'r2');
    const plan = run(
      agents,
      [
        ['rack', 'LIKE', 'r1'],
        ['hostname', 'UNIQUE'],
      ],
      2,
    );
    assert.deepEqual(on(plan), ['a0']);
    assert.deepEqual(
      plan.unplaced[0]!.rejections.map((r) => r.reasons),
      [['UnfulfilledConstraint: hostname UNIQUE'], ['UnfulfilledConstraint: rack LIKE r1']],
    );
  });
});

describe('final-state properties (from an empty cluster)', () => {
  const agentsArb = fc
    .array(fc.option(fc.constantFrom('r1', 'r2', 'r3', 'r4'), { nil: undefined }), {
      minLength: 1,
      maxLength: 8,
    })
    .map((rs) => cluster(rs.map((rack): Record<string, string> => (rack ? { rack } : {}))));
  const instancesArb = fc.integer({ min: 1, max: 20 });

  it('UNIQUE: no value twice', () => {
    fc.assert(
      fc.property(agentsArb, instancesArb, (agents, n) => {
        const counts = perValue(agents, run(agents, [['rack', 'UNIQUE']], n), 'rack');
        assert.ok(Object.values(counts).every((c) => c === 1));
        assert.equal(counts['(none)'], undefined);
      }),
    );
  });

  it('MAX_PER: never more than N per value, and as many as fit', () => {
    fc.assert(
      fc.property(agentsArb, instancesArb, fc.integer({ min: 1, max: 3 }), (agents, n, max) => {
        const plan = run(agents, [['rack', 'MAX_PER', String(max)]], n);
        const counts = perValue(agents, plan, 'rack');
        assert.ok(Object.values(counts).every((c) => c <= max));
        const values = new Set(agents.map((a) => a.attributes['rack']).filter(Boolean));
        assert.equal(plan.placements.length, Math.min(n, values.size * max));
      }),
    );
  });

  it('GROUP_BY: group sizes differ by at most one and every value is used before any doubles', () => {
    fc.assert(
      fc.property(agentsArb, instancesArb, (agents, n) => {
        const plan = run(agents, [['rack', 'GROUP_BY']], n);
        const values = new Set(agents.map((a) => a.attributes['rack']).filter(Boolean));
        const sizes = Object.values(perValue(agents, plan, 'rack'));
        assert.equal(plan.placements.length, values.size === 0 ? 0 : n);
        if (sizes.length > 0) assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
        assert.equal(sizes.length, Math.min(n, values.size));
      }),
    );
  });

  it('CLUSTER: one value for all tasks', () => {
    fc.assert(
      fc.property(agentsArb, instancesArb, (agents, n) => {
        const plan = run(agents, [['rack', 'CLUSTER']], n);
        assert.ok(Object.keys(perValue(agents, plan, 'rack')).length <= 1);
      }),
    );
  });
});

describe('constraint helpers', () => {
  it('FieldGroups tracks the smallest group as tasks are added', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 60 }), (adds) => {
        const g = new FieldGroups();
        const naive = new Map<number, number>();
        for (const v of adds) {
          g.add(v);
          naive.set(v, (naive.get(v) ?? 0) + 1);
          assert.equal(g.minCount, Math.min(...naive.values()));
          assert.equal(g.groupCount, naive.size);
          assert.equal(g.count(v), naive.get(v));
          assert.equal(g.first, adds[0]);
        }
      }),
    );
  });

  it('formatScalar follows DecimalFormat("0.###")', () => {
    assert.equal(formatScalar('4'), '4');
    assert.equal(formatScalar('4.0'), '4');
    assert.equal(formatScalar('8.50'), '8.5');
    assert.equal(formatScalar('0.12345'), '0.123');
    assert.equal(formatScalar('007'), '7');
    assert.equal(formatScalar('rack-1'), 'rack-1');
    assert.equal(formatScalar('-1'), '-1');
  });

  it('parses counts like Marathon', () => {
    assert.equal(groupByMinimum(undefined), 0);
    assert.equal(groupByMinimum('3'), 3);
    assert.equal(groupByMinimum('inf'), 2147483647);
    assert.equal(groupByMinimum('x'), 0);
    assert.equal(maxPerLimit('2'), 2);
    assert.equal(maxPerLimit('2.5'), undefined);
    assert.equal(maxPerLimit(undefined), undefined);
  });

  it('regexes match whole values', () => {
    assert.equal(fullMatchRegex('a|b')!.test('ab'), false);
    assert.equal(fullMatchRegex('a|b')!.test('b'), true);
    assert.equal(fullMatchRegex('('), undefined);
  });

  it('describes constraints in their wire order', () => {
    assert.equal(describeConstraint(['hostname', 'UNIQUE']), 'hostname UNIQUE');
    assert.equal(describeConstraint(['rack', 'GROUP_BY', '3']), 'rack GROUP_BY 3');
  });
});
