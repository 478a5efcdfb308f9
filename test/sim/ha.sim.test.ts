/**
 * Issue 6 parts 3-5 in simulation: leader election with fencing, failover without losing or
 * repeating anything, and agent loss. Three MasterNodes on one lease and store, three agents
 * dialling them through their real connectors (ha-harness.ts); time is fake, nothing sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultReregistrationGraceMs } from '../../src/control-plane/agents/agent-loss.js';
import { leaderMasterApi } from '../../src/control-plane/leadership/leader-apis.js';
import { DroverMetrics } from '../../src/control-plane/metrics/drover-metrics.js';
import { isDroverError } from '../../src/domain/errors.js';
import { parseJob } from '../../src/domain/job-validate.js';
import { AGENT_TIMEOUT_MS, HaSim, LEASE_MS } from './ha-harness.js';

function app(id: string, instances: number, extra: Record<string, unknown> = {}) {
  return { id, cmd: 'sleep 1000', instances, cpus: 0.1, mem: 16, ...extra };
}

async function withSim(fn: (sim: HaSim) => Promise<void>, opts = {}): Promise<void> {
  const sim = await HaSim.create(opts);
  try {
    await fn(sim);
  } finally {
    await sim.stop();
  }
}

const runningIds = (sim: HaSim, appId: string) =>
  sim
    .tasks(appId)
    .filter((t) => t.state === 'TASK_RUNNING')
    .map((t) => t.id)
    .sort();

describe('leader election and failover (simulation)', () => {
  it('one master leads; standbys know it and send agents to it', () =>
    withSim(async (sim) => {
      const leader = sim.leader()!;
      for (const m of sim.masters) assert.equal(m.node.leaderUrl(), leader.url);
      assert.equal(
        sim
          .master()
          .agents()
          .filter((a) => a.connected).length,
        3,
      );
      for (const m of sim.masters)
        if (m !== leader) assert.equal(m.links.size, 0, `${m.name} holds no agent`);
    }));

  it('kill -9 of the leader: another leads under a higher term, tasks run on untouched, a write succeeds', () =>
    withSim(async (sim) => {
      await sim.deploy(app('/web', 3, { constraints: [['hostname', 'UNIQUE']] }));
      await sim.until(() => runningIds(sim, '/web').length === 3, { what: 'three running tasks' });
      const before = runningIds(sim, '/web');
      assert.deepEqual(new Set(sim.tasks('/web').map((t) => t.host)), new Set(['a1', 'a2', 'a3']));
      const launches = sim.agents.map((a) => a.executor.tasks.size);
      const old = sim.leader()!;
      const oldTerm = old.node.term!;

      sim.kill(old);
      await sim.until(() => sim.leader() !== undefined && sim.agents.every((a) => sim.registered(a)), {
        what: 'a new leader with every agent back',
      });
      const next = sim.leader()!;
      assert.notEqual(next, old);
      assert.ok(next.node.term! > oldTerm);
      assert.deepEqual(runningIds(sim, '/web'), before, 'the same tasks, adopted');
      assert.deepEqual(
        sim.agents.map((a) => a.executor.tasks.size),
        launches,
        'nothing was launched or restarted on any agent',
      );
      assert.ok(sim.agents.every((a) => a.executor.running().length === 1));
      await sim.deploy(app('/after', 1));
      await sim.until(() => runningIds(sim, '/after').length === 1, { what: 'the write taking effect' });
    }));

  it('a leader cut off from the store stops before another master can take over, and cannot write', () =>
    withSim(async (sim) => {
      const old = sim.leader()!;
      const deposed = old.node.master!;
      old.down = true; // the store (and lease) unreachable; agents still connected to it
      let stoppedFirst: boolean | undefined;
      await sim.until(
        () => {
          const others = sim.masters.filter((m) => m !== old && m.node.master !== undefined);
          if (others.length > 0 && stoppedFirst === undefined) stoppedFirst = old.node.master === undefined;
          return others.length > 0;
        },
        { stepMs: 10, what: 'another leader' },
      );
      assert.equal(stoppedFirst, true, 'the old leader had stepped down when the new one started');
      old.down = false; // reachable again: its old term's Master must still not write
      await assert.rejects(
        deposed.createApp(
          (await import('../../src/domain/app-validate.js')).parseAppDefinition(app('/late', 1)),
        ),
        (e) => {
          assert.ok(isDroverError(e) && e.code === 'NOT_LEADER', String(e));
          return true;
        },
      );
      assert.equal(await sim.store.getApp('/late'), undefined);
      await sim.until(() => sim.agents.every((a) => sim.registered(a)), { what: 'agents at the new leader' });
      // The old master comes back as a standby pointing at the new leader.
      await sim.until(() => old.node.leaderUrl() === sim.leader()!.url, { what: 'old leader as standby' });
    }));

  it('abdication hands leadership to another master', () =>
    withSim(async (sim) => {
      const old = sim.leader()!;
      await old.node.abdicate();
      await sim.until(() => sim.leader() !== undefined && sim.leader() !== old, { what: 'another leader' });
      await sim.until(() => sim.agents.every((a) => sim.registered(a)), { what: 'agents follow' });
      await sim.deploy(app('/x', 1));
    }));

  it('a task that ends while no master leads is reported to the next leader: not lost, not replaced twice', () =>
    withSim(async (sim) => {
      await sim.deploy(app('/one', 1));
      await sim.until(() => runningIds(sim, '/one').length === 1, { what: 'a running task' });
      const [taskId] = runningIds(sim, '/one');
      const host = sim.agents.find((a) => a.executor.tasks.has(taskId!))!;
      const old = sim.leader()!;
      sim.kill(old);
      // The task fails before anyone leads again; its update waits on the agent.
      host.executor.exit(taskId!, { exitCode: 3, signal: null });
      await sim.until(() => sim.leader() !== undefined && sim.registered(host), { what: 'new leader' });
      await sim.until(() => sim.master().lastTaskFailure('/one')?.taskId === taskId, {
        what: 'the failure recorded by the new leader',
      });
      assert.equal(sim.master().lastTaskFailure('/one')?.state, 'TASK_FAILED', 'its real end, not TASK_GONE');
      await sim.until(() => runningIds(sim, '/one').length === 1, { what: 'one replacement' });
      assert.equal(sim.tasks('/one').length, 1);
    }));

  it('a job due during a failover runs exactly once, and a run that finished unacked is not retried', () =>
    withSim(async (sim) => {
      const start = new Date(sim.clock.now() + 5_000).toISOString();
      await sim
        .master()
        .jobs.putJob(
          parseJob(
            { name: 'tick', command: 'true', schedule: `R/${start}/PT30S`, epsilon: 'PT1M' },
            'iso8601',
          ),
        );
      await sim.until(() => sim.agents.some((a) => a.executor.running().length > 0), {
        what: 'the first run',
      });
      const task = sim.agents.flatMap((a) => a.executor.running())[0]!;
      const host = sim.agents.find((a) => a.executor.tasks.has(task.spec.taskId))!;
      const dueAt = Number(task.env['CHRONOS_JOB_RUN_TIME']);
      sim.kill(sim.leader()!);
      host.executor.exit(task.spec.taskId, { exitCode: 0, signal: null });
      await sim.until(() => sim.leader() !== undefined, { what: 'a new leader' });
      let run: Awaited<ReturnType<ReturnType<HaSim['master']>['jobs']['getRun']>>;
      await sim.until(
        () => {
          void sim
            .master()
            .jobs.getRun('tick', dueAt)
            .then((r) => {
              run = r;
            });
          return run?.status === 'succeeded';
        },
        { what: 'the run to succeed at the new leader' },
      );
      assert.equal(run!.attempts.length, 1, 'one attempt: the finished run was not taken for lost');
      // The next occurrence fires once, under the new leader.
      await sim.until(() => sim.agents.flatMap((a) => [...a.executor.tasks.values()]).length === 2, {
        what: 'the second occurrence',
        maxMs: 60_000,
      });
      const ids = sim.agents.flatMap((a) => [...a.executor.tasks.keys()]);
      assert.equal(new Set(ids).size, 2);
    }));

  it("the leader's Prometheus text has the job firing-lateness histogram, across leadership terms", () =>
    withSim(
      async (sim) => {
        const first = sim.leader()!;
        // As bin/master.ts: the node's DroverMetrics and its job runtimes share one registry.
        const metrics = new DroverMetrics({
          master: leaderMasterApi(() => first.node, first.node.events),
          clock: sim.clock,
          registry: first.registry,
        });
        const count = async () =>
          Number(/^drover_job_firing_lateness_seconds_count (\d+)$/m.exec(await metrics.prometheus())?.[1]);
        assert.equal(await count(), 0, 'registered, empty, before any job fires');
        const start = new Date(sim.clock.now() + 5_000).toISOString();
        await sim
          .master()
          .jobs.putJob(
            parseJob(
              { name: 'tick', command: 'true', schedule: `R/${start}/PT1M`, concurrent: true },
              'iso8601',
            ),
          );
        await sim.until(() => sim.agents.some((a) => a.executor.running().length > 0), { what: 'a run' });
        assert.equal(await count(), 1);
        assert.match(
          await metrics.prometheus(),
          /^drover_job_firing_lateness_seconds_bucket\{le="0\.001"\} 1$/m,
        );
        // Lead again in a later term: the new job runtime keeps the node's histogram (no clash).
        await first.node.abdicate();
        await sim.until(() => sim.leader() !== undefined && sim.leader() !== first, {
          what: 'the other leads',
        });
        await sim.leader()!.node.abdicate();
        await sim.until(() => sim.leader() === first, { what: 'the first leads again' });
        // The next occurrence (a minute after the first) fires under the first master's new term.
        const firstDue = Date.parse(start);
        await sim.until(
          () =>
            sim
              .master()
              .jobs.jobState('tick')
              .active.some((r) => r.dueAt > firstDue),
          { what: 'the next occurrence', maxMs: 120_000 },
        );
        assert.equal(await count(), 2, 'the second term observed on the same histogram');
      },
      { masters: 2 },
    ));

  it('a new leader gives agents time to find it before replacing the tasks it cannot see', () =>
    withSim(async (sim) => {
      await sim.deploy(
        app('/keep', 2, { unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 600 } }),
      );
      await sim.until(() => runningIds(sim, '/keep').length === 2, { what: 'two running' });
      const quiet = sim.agents.find((a) => a.executor.running().length === 1)!;
      sim.cutAgent(quiet);
      sim.kill(sim.leader()!);
      await sim.until(() => sim.leader() !== undefined, { what: 'a new leader' });
      const electedAt = sim.clock.now();
      const grace = defaultReregistrationGraceMs(AGENT_TIMEOUT_MS);
      // Within the grace nothing is replaced: the agent may still show up.
      await sim.until(() => sim.clock.now() >= electedAt + grace - 200, {
        what: 'grace nearly over',
        maxMs: grace + 5_000,
      });
      assert.equal(sim.tasks('/keep').length, 2);
      assert.ok(sim.tasks('/keep').every((t) => t.state === 'TASK_RUNNING'));
      await sim.until(
        () => runningIds(sim, '/keep').filter((id) => !quiet.executor.tasks.has(id)).length === 2,
        { what: 'the unseen task replaced after the grace' },
      );
    }));

  it('an agent that found the new leader and then goes silent is lost after the plain timeout', () =>
    withSim(async (sim) => {
      await sim.deploy(
        app('/keep', 2, { unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 600 } }),
      );
      await sim.until(() => runningIds(sim, '/keep').length === 2, { what: 'two running' });
      sim.kill(sim.leader()!);
      await sim.until(() => sim.leader() !== undefined && sim.agents.every((a) => sim.registered(a)), {
        what: 'a new leader with every agent back',
      });
      const quiet = sim.agents.find((a) => a.executor.running().length === 1)!;
      const cutAt = sim.clock.now();
      sim.cutAgent(quiet);
      await sim.until(
        () => runningIds(sim, '/keep').filter((id) => !quiet.executor.tasks.has(id)).length === 2,
        { what: 'the silent agent’s task replaced', maxMs: 4 * AGENT_TIMEOUT_MS },
      );
      // Well before the re-registration grace would have run out.
      assert.ok(sim.clock.now() - cutAt < defaultReregistrationGraceMs(AGENT_TIMEOUT_MS) / 2);
    }));
});

describe('agent loss (simulation)', () => {
  const strategy = (inactive: number, expunge: number) => ({
    unreachableStrategy: { inactiveAfterSeconds: inactive, expungeAfterSeconds: expunge },
  });

  it('a cut-off agent’s tasks become unreachable, are replaced elsewhere, and are killed when it returns', () =>
    withSim(async (sim) => {
      await sim.deploy(app('/svc', 3, strategy(1, 600)));
      await sim.until(() => runningIds(sim, '/svc').length === 3, { what: 'three running' });
      const lost = sim.agents.find((a) => a.executor.running().length > 0)!;
      const stale = lost.executor.running().map((t) => t.spec.taskId);
      sim.cutAgent(lost);
      await sim.until(() => stale.every((id) => sim.master().getTask(id)?.state === 'TASK_UNREACHABLE'), {
        what: 'its tasks unreachable',
      });
      await sim.until(
        () =>
          sim.tasks('/svc').filter((t) => t.state === 'TASK_RUNNING' && t.host !== lost.hostname).length ===
          3,
        { what: 'three running on the other agents' },
      );
      assert.ok(lost.executor.running().length > 0, 'the stale copies still run behind the cut');
      sim.healAgent(lost);
      await sim.until(() => lost.executor.running().length === 0, { what: 'the stale copies killed' });
      await sim.until(() => sim.tasks('/svc').length === 3, { what: 'only the replacements left' });
      assert.ok(sim.tasks('/svc').every((t) => t.host !== lost.hostname && t.state === 'TASK_RUNNING'));
    }));

  it('an agent back before inactiveAfterSeconds keeps its tasks; nothing is replaced', () =>
    withSim(async (sim) => {
      await sim.deploy(app('/svc', 3, strategy(60, 600)));
      await sim.until(() => runningIds(sim, '/svc').length === 3, { what: 'three running' });
      const before = runningIds(sim, '/svc');
      const lost = sim.agents.find((a) => a.executor.running().length > 0)!;
      sim.cutAgent(lost);
      await sim.until(() => sim.tasks('/svc').some((t) => t.state === 'TASK_UNREACHABLE'), {
        what: 'unreachable',
      });
      sim.healAgent(lost);
      await sim.until(() => runningIds(sim, '/svc').length === 3, { what: 'running again' });
      assert.deepEqual(runningIds(sim, '/svc'), before);
      assert.ok(lost.executor.running().length > 0);
    }));

  it('after expungeAfterSeconds the task is forgotten, and killed as unknown when its agent returns', () =>
    withSim(async (sim) => {
      await sim.deploy(app('/svc', 1, strategy(0, 5)));
      await sim.until(() => runningIds(sim, '/svc').length === 1, { what: 'running' });
      const lost = sim.agents.find((a) => a.executor.running().length > 0)!;
      const [stale] = lost.executor.running().map((t) => t.spec.taskId);
      sim.cutAgent(lost);
      await sim.until(() => sim.master().getTask(stale!) === undefined, { what: 'expunged' });
      sim.healAgent(lost);
      await sim.until(() => lost.executor.running().length === 0, { what: 'killed on return' });
      assert.equal(runningIds(sim, '/svc').length, 1);
    }));

  it('a job run on a lost agent fails (TASK_LOST) and is retried on another agent', () =>
    withSim(async (sim) => {
      await sim.master().jobs.putJob(
        parseJob(
          {
            name: 'long',
            command: 'sleep 100',
            retries: 2,
            retryDelaySeconds: 1,
            schedule: 'R/2030-01-01T00:00:00Z/P1D',
          },
          'iso8601',
        ),
      );
      const run = await sim.master().jobs.startJob('long');
      await sim.until(() => sim.agents.some((a) => a.executor.running().length > 0), { what: 'the run' });
      const lost = sim.agents.find((a) => a.executor.running().length > 0)!;
      sim.cutAgent(lost);
      let current: Awaited<ReturnType<ReturnType<HaSim['master']>['jobs']['getRun']>>;
      await sim.until(
        () => {
          void sim
            .master()
            .jobs.getRun('long', run.dueAt)
            .then((r) => {
              current = r;
            });
          return (current?.attempts.length ?? 0) === 2;
        },
        { what: 'a second attempt' },
      );
      assert.equal(current!.attempts[0]!.state, 'TASK_LOST');
      assert.notEqual(current!.attempts[1]!.agentId, lost.agent.id);
    }));
});

void LEASE_MS;
