/**
 * Issue 15, metrics on a cluster agent: `drover agent --metrics-port` serves the embedded
 * router's Prometheus metrics per service port (connections, bytes, errors, upstream connect
 * time) at GET /metrics. A real `drover master` and `drover agent`; requests go through the
 * agent's router on its own address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterProcess } from './support/cluster-process.js';
import { repoRoot } from './support/drover-bin.js';
import { ApiClient } from './support/http-json.js';
import { freeServicePort, getOnce } from './support/router-load.js';
import { killTaskProcesses } from './support/task-processes.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'metrics-e2e-token';

test('drover agent --metrics-port: router metrics per service port in Prometheus text', {
  timeout: 180_000,
}, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drover-e2e-agent-metrics-'));
  const procs: ClusterProcess[] = [];
  t.after(async () => {
    for (const p of procs.reverse()) await p.cleanup();
    for (const p of procs) if (p.workDir) killTaskProcesses(p.workDir);
    rmSync(dataDir, { recursive: true, force: true });
  });
  // An address of its own, so no other test's router holds the service port there.
  const address = `127.0.0.${100 + Math.floor(Math.random() * 100)}`;
  const servicePort = await freeServicePort(address);
  const firstPort = 40_000 + Math.floor(Math.random() * 200) * 100;
  const m = await ClusterProcess.master(
    ['--store', join(dataDir, 'state.db'), '--port', '0', '--agent-token', TOKEN],
    120_000,
  );
  procs.push(m.proc);
  const agent = await ClusterProcess.agent([
    '--master',
    m.url,
    '--token',
    TOKEN,
    '--advertise',
    address,
    '--resources',
    `cpus=2,mem=1024,disk=1000,ports=${firstPort}-${firstPort + 99}`,
    '--metrics-port',
    '127.0.0.1:0',
  ]);
  procs.push(agent);
  const metricsUrl = (
    await agent.waitForOutput(/metrics on (http:\/\/\S+\/metrics)/, 'the metrics line', 120_000)
  )[1]!;
  const api = new ApiClient(m.url);
  await api.json(
    'POST',
    '/v2/apps',
    {
      id: '/metered',
      // Tasks of a cluster agent start in their sandbox: the example by its full path.
      cmd: `node ${join(repoRoot, 'examples', 'http-echo.js')}`,
      instances: 2,
      cpus: 0.1,
      mem: 32,
      portDefinitions: [{ port: servicePort }],
    },
    [201],
  );
  await waitFor(async () => (await getOnce(address, servicePort)).ok, {
    what: 'the service port answers on the agent',
    timeoutMs: 90_000,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\nagent:\n${agent.output().slice(-3000)}`);
  });
  for (let i = 0; i < 10; i++) assert.ok((await getOnce(address, servicePort)).ok);

  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => {
    const labels = `address="${address}",service_port="${servicePort}",app="/metered"`;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}`));
    assert.ok(line, `${name} for the service port in:\n${text.slice(0, 3000)}`);
    return Number(line.split(' ').pop());
  };
  assert.ok(value('drover_router_connections_total') >= 11);
  assert.ok(value('drover_router_received_bytes_total') > 0);
  assert.ok(value('drover_router_sent_bytes_total') > 0);
  assert.ok(value('drover_router_upstream_connect_seconds_count') >= 11);
  assert.match(text, /^# TYPE drover_router_errors_total counter$/m);
  assert.match(text, /^drover_agent_process_cpu_seconds_total /m);
  assert.equal((await fetch(metricsUrl.replace('/metrics', '/nope'))).status, 404);
});
