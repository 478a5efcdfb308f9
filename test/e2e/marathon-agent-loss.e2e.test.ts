/**
 * Issue 13, current defaults: an app that says nothing about `unreachableStrategy` gets Marathon
 * 1.4.6+'s 0/0, so when an agent dies (kill -9, as real `drover agent` processes) its tasks run
 * on the other agent within the agent timeout plus a few seconds, not after Marathon 1.4.0's five
 * minutes. The lost copies are forgotten at once (expungeAfterSeconds 0).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterProcess } from './support/cluster-process.js';
import { repoRoot } from './support/drover-process.js';
import { ApiClient, echo } from './support/http-json.js';
import { killTaskProcesses } from './support/task-processes.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'e2e-agent-loss-token';
const AGENT_TIMEOUT_MS = 3_000;
/** What the issue allows beyond the agent timeout for the replacement to run. */
const SLACK_MS = 5_000;
const HOSTS = ['127.0.0.6', '127.0.0.7'];

interface TaskJson {
  id: string;
  host: string;
  ports: number[];
  state: string;
}

describe('defaults only: a dead agent’s tasks move at once', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drover-e2e-loss-'));
  const agents: ClusterProcess[] = [];
  let master: ClusterProcess | undefined;
  let api: ApiClient;

  before(async () => {
    const m = await ClusterProcess.master([
      '--store',
      join(dataDir, 'state.db'),
      '--port',
      '0',
      '--agent-token',
      TOKEN,
      '--agent-timeout',
      String(AGENT_TIMEOUT_MS),
    ]);
    master = m.proc;
    api = new ApiClient(m.url);
    for (const [i, addr] of HOSTS.entries()) {
      agents.push(
        await ClusterProcess.agent([
          '--master',
          m.url,
          '--token',
          TOKEN,
          '--advertise',
          addr,
          '--resources',
          `cpus=2,mem=1024,disk=1000,ports=${29600 + i * 100}-${29699 + i * 100}`,
          '--heartbeat-interval',
          '500',
        ]),
      );
    }
  });

  after(async () => {
    for (const a of agents) await a.cleanup();
    await master?.cleanup();
    for (const a of agents) if (a.workDir) killTaskProcesses(a.workDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 of an agent: its tasks run on the other agent within the agent timeout + 5 s', async (t) => {
    await waitFor(
      async () =>
        (await api.get<{ agents: Array<{ connected: boolean }> }>('/v2/agents')).agents.filter(
          (a) => a.connected,
        ).length === 2,
      { what: 'two agents connected' },
    );
    const created = await api.json<{ unreachableStrategy: unknown }>('POST', '/v2/apps', {
      id: '/plain',
      cmd: `node ${repoRoot}/examples/http-echo.js`,
      instances: 2,
      cpus: 0.1,
      mem: 32,
    });
    assert.deepEqual(created.unreachableStrategy, { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
    const running = async () =>
      (await api.get<{ tasks: TaskJson[] }>('/v2/apps/plain/tasks')).tasks.filter(
        (x) => x.state === 'TASK_RUNNING',
      );
    const placed = await waitFor(async () => ((await running()).length === 2 ? running() : undefined), {
      what: 'two running tasks',
      timeoutMs: 60_000,
    });
    const victim = HOSTS.indexOf(placed[0]!.host);
    const survivor = HOSTS[1 - victim]!;
    const lost = placed.filter((p) => p.host === HOSTS[victim]);

    const killedAt = Date.now();
    agents[victim]!.child.kill('SIGKILL');
    await agents[victim]!.exited;
    const moved = await waitFor(
      async () => {
        const list = await running();
        return list.length === 2 && list.every((x) => x.host === survivor) ? list : undefined;
      },
      { what: `both tasks running on ${survivor}`, timeoutMs: 60_000, intervalMs: 100 },
    );
    const tookMs = Date.now() - killedAt;
    t.diagnostic(
      `tasks of the killed agent running elsewhere after ${tookMs} ms (timeout ${AGENT_TIMEOUT_MS} ms)`,
    );
    assert.ok(
      tookMs <= AGENT_TIMEOUT_MS + SLACK_MS,
      `replaced after ${tookMs} ms, more than agent timeout ${AGENT_TIMEOUT_MS} ms + ${SLACK_MS} ms`,
    );
    for (const m of moved) await waitFor(() => echo(m.host, m.ports[0]!), { what: `task on ${m.host}` });
    // expungeAfterSeconds 0: the lost copies are forgotten, not kept as unreachable.
    const all = (await api.get<{ tasks: TaskJson[] }>('/v2/apps/plain/tasks')).tasks;
    for (const l of lost)
      assert.equal(
        all.find((x) => x.id === l.id),
        undefined,
        `${l.id} expunged`,
      );
  });
});
