/**
 * Issue 15's DNS acceptance: `drover up --dns-port` answers `dig @127.0.0.1 -p <port>
 * web.marathon.drover` with the running tasks' hosts and the SRV query with their ports, and a
 * running job under chronos.drover. Real `dig` (Debian bind9-dnsutils) against a real drover up.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DroverProcess, waitFor } from './support/drover-process.js';

const run = promisify(execFile);

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const dig = async (port: number, ...args: string[]) =>
  (await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=2', '+tries=2', ...args])).stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .sort();

test('dig answers A and SRV records for an app and A for a running job', { timeout: 180_000 }, async (t) => {
  const port = await freeUdpPort();
  const drover = await DroverProcess.startFor(t, { args: ['--dns-port', `127.0.0.1:${port}`] });
  assert.match(drover.output(), new RegExp(`DNS on 127\\.0\\.0\\.1:${port}`));
  await drover.api.json(
    'POST',
    '/v2/apps',
    {
      id: '/web',
      cmd: 'node examples/http-echo.js',
      instances: 2,
      cpus: 0.01,
      mem: 16,
      constraints: [['hostname', 'UNIQUE']],
      portDefinitions: [{ port: 0 }],
    },
    [201],
  );
  const tasks = await waitFor(
    async () => {
      const { tasks } = await drover.api.get<{
        tasks: Array<{ host: string; ports: number[]; state: string }>;
      }>('/v2/apps/web/tasks');
      return tasks.length === 2 && tasks.every((x) => x.state === 'TASK_RUNNING') ? tasks : false;
    },
    { what: 'two running tasks', timeoutMs: 60_000 },
  );
  const hosts = tasks.map((x) => x.host).sort();
  assert.deepEqual(await dig(port, 'web.marathon.drover'), hosts);
  const srv = await dig(port, 'SRV', '_web._tcp.marathon.drover');
  assert.deepEqual(
    srv.map((l) => Number(l.split(' ')[2])).sort(),
    tasks.map((x) => x.ports[0]).sort(),
    `SRV ports: ${srv.join(' | ')}`,
  );
  // Each SRV target resolves to its task's host.
  const targets = srv.map((l) => l.split(' ')[3]!);
  const resolved = (await Promise.all(targets.map((n) => dig(port, n)))).flat().sort();
  assert.deepEqual(resolved, hosts);
  const { stdout: nx } = await run('dig', ['@127.0.0.1', '-p', String(port), 'nope.marathon.drover']);
  assert.match(nx, /status: NXDOMAIN/);

  await drover.api.json(
    'POST',
    '/v1/scheduler/iso8601',
    { name: 'nightly', command: 'sleep 60', schedule: 'R/2099-01-01T00:00:00Z/P1D', epsilon: 'PT60S' },
    [204],
  );
  await drover.api.json('PUT', '/v1/scheduler/job/nightly', undefined, [204]);
  await waitFor(async () => (await dig(port, 'nightly.chronos.drover')).length === 1, {
    what: 'the running job in DNS',
    timeoutMs: 60_000,
  });
});
