/**
 * The scale simulation at CI size (issue 16; the full 10,000 agents x 100,000 tasks run is
 * bench/scale-sim.bench.ts): a real `drover master` process on a real SQLite store, 60 simulated
 * agents over the agent protocol in two child processes (test/sim/scale-run.ts,
 * sim-agent-fleet.ts), 5 apps x 40 instances, one app per kind of constraint (hostname UNIQUE, GROUP_BY rack, LIKE, UNLIKE + MAX_PER, none).
 * It asserts behaviour only, no timing: every task ends TASK_RUNNING in the master, each app has
 * exactly its instances, every constraint holds, and no task was placed (launched) twice.
 * The sizes fit the constraints: 40 <= 60 hosts (UNIQUE), 40 <= 40 non-zone-2 hosts x 2 (MAX_PER).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScale } from './scale-run.js';

describe('scale simulation, CI size (real master process, SQLite, simulated agents)', () => {
  it('60 agents, 200 tasks with constraints: all RUNNING, constraints hold, no duplicate placement', async () => {
    const apps = 5;
    const instances = 40;
    // Generous: a loaded 2-core CI machine; the run normally takes seconds.
    // Two agent processes: the path bench/scale-sim.bench.ts takes with 10,000 agents (counts
    // over IPC, duplicate launches found across processes).
    const r = await runScale({
      agents: 60,
      agentProcesses: 2,
      apps,
      instances,
      store: 'sqlite',
      timeoutMs: 240_000,
    });
    const detail = JSON.stringify(r);
    assert.equal(r.running, apps * instances, `every RUNNING update acknowledged: ${detail}`);
    assert.equal(r.finalTasksStatus, 200, `GET /v2/tasks answered: ${detail}`);
    assert.equal(r.runningInMaster, apps * instances, `the master lists every task RUNNING: ${detail}`);
    assert.equal(r.appsWithWrongCount, 0, `each app has exactly its instances: ${detail}`);
    assert.equal(r.unplaced, 0, `nothing left in the queue: ${detail}`);
    assert.equal(r.constraintViolations, 0, `every constraint holds: ${detail}`);
    assert.equal(r.duplicateLaunches, 0, `no task launched twice: ${detail}`);
    assert.equal(r.duplicateTaskIds, 0, `no task listed twice: ${detail}`);
    assert.equal(r.launches, apps * instances, `one launch per task: ${detail}`);
  });
});
