import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentInfo } from '../domain/agent.js';
import { buildApiServer } from './server.js';
import { FakeMaster } from './test-support/fake-master.js';
import { json, storedApp, taskOf } from './test-support/fixtures.js';
import type { AgentView } from './views/agent-view.js';

const agent = (id: string, over: Partial<AgentInfo> = {}): AgentInfo => ({
  id,
  hostname: `${id}.example`,
  address: '10.0.0.1',
  resources: { cpus: 4, mem: 4096, disk: 1000, ports: [[31000, 32000]] },
  attributes: { rack: 'a' },
  capabilities: { docker: false },
  registeredAt: Date.parse('2026-01-01T00:00:00.000Z'),
  lastHeartbeatAt: Date.parse('2026-01-01T00:01:00.000Z'),
  connected: true,
  ...over,
});

test('GET /v2/agents lists agents by id with totals, live usage, attributes, heartbeat and tasks', async () => {
  const master = new FakeMaster();
  master.agentList = [agent('b'), agent('a', { draining: true, connected: false })];
  const web = storedApp({ id: '/web', cpus: 0.1, mem: 64, disk: 1 });
  master.seedTask(taskOf(web, 1, { agentId: 'b' }));
  master.seedTask(taskOf(web, 2, { agentId: 'b' }));
  master.seedTask(taskOf(web, 3, { agentId: 'b', state: 'TASK_FINISHED' }));
  const api = buildApiServer({ master });
  const body = json<{ agents: AgentView[] }>(await api.inject({ url: '/v2/agents' }));
  assert.deepEqual(
    body.agents.map((a) => a.id),
    ['a', 'b'],
  );
  const [a, b] = body.agents;
  assert.equal(a!.draining, true);
  assert.equal(a!.connected, false);
  assert.deepEqual(a!.tasks, []);
  assert.deepEqual(b!.resources, {
    total: { cpus: 4, mem: 4096, disk: 1000, ports: [[31000, 32000]] },
    used: { cpus: 0.2, mem: 128, disk: 2, ports: [31010, 31020] },
  });
  assert.deepEqual(b!.attributes, { rack: 'a' });
  assert.equal(b!.lastHeartbeatAt, '2026-01-01T00:01:00.000Z');
  assert.deepEqual(
    b!.tasks.map((t) => t.id),
    ['web.task-1', 'web.task-2'],
  );
  const one = await api.inject({ url: '/v2/agents/b' });
  assert.equal(json<{ agent: { id: string } }>(one).agent.id, 'b');
  assert.equal((await api.inject({ url: '/v2/agents/nope' })).statusCode, 404);
});

test("a job run's task counts on its agent (usage and tasks) though /v2/tasks leaves it out", async () => {
  const master = new FakeMaster();
  master.agentList = [agent('a')];
  const job = storedApp({ id: '/chronos/nightly', cpus: 0.5, mem: 256, disk: 5, portDefinitions: [] });
  master.seedTask(
    taskOf(job, 1, {
      agentId: 'a',
      jobRun: { job: 'nightly', dueAt: Date.parse('2026-01-01T00:00:00Z'), attempt: 1 },
    }),
  );
  const api = buildApiServer({ master });
  const [a] = json<{ agents: AgentView[] }>(await api.inject({ url: '/v2/agents' })).agents;
  assert.deepEqual(a!.resources.used, { cpus: 0.5, mem: 256, disk: 5, ports: [] });
  assert.deepEqual(a!.tasks, [
    { id: 'chronos_nightly.task-1', appId: '/chronos/nightly', state: 'TASK_RUNNING', job: 'nightly' },
  ]);
  const one = json<{ agent: AgentView }>(await api.inject({ url: '/v2/agents/a' })).agent;
  assert.equal(one.resources.used.mem, 256);
  assert.deepEqual(json<{ tasks: unknown[] }>(await api.inject({ url: '/v2/tasks' })).tasks, []);
});

test('POST drain and undrain call the master and answer the agent; unknown agents are 404', async () => {
  const master = new FakeMaster();
  master.agentList = [agent('a')];
  const api = buildApiServer({ master });
  const drained = await api.inject({ method: 'POST', url: '/v2/agents/a/drain' });
  assert.equal(drained.statusCode, 200);
  assert.equal(json<{ agent: { draining: boolean } }>(drained).agent.draining, true);
  const undrained = await api.inject({ method: 'POST', url: '/v2/agents/a/undrain' });
  assert.equal(json<{ agent: { draining: boolean } }>(undrained).agent.draining, false);
  assert.equal((await api.inject({ method: 'POST', url: '/v2/agents/zz/drain' })).statusCode, 404);
  assert.deepEqual(
    master.calls.map((c) => c.method),
    ['drainAgent', 'undrainAgent'],
  );
});
