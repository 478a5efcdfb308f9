/**
 * Issue 6 on one machine: `drover master` on PostgreSQL with TLS, basic auth and an agent token,
 * and two `drover agent` processes on different loopback addresses, as real processes. An app
 * with `hostname UNIQUE` spreads over both; the bad inputs (wrong token, no API credentials) are
 * refused and logged; the CLI refuses bad flags and an open master on a network address.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { type TempDatabases, tempDatabases } from '../../src/store/postgres/temp-database.js';
import { ClusterProcess } from './support/cluster-process.js';
import { repoRoot } from './support/drover-process.js';
import { echo } from './support/http-json.js';
import { selfSignedCert, type TestCert } from './support/self-signed-cert.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'e2e-cluster-token';
const AUTH = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;

interface Answer {
  status: number;
  json: unknown;
}

function api(
  base: string,
  ca: string,
  path: string,
  opts: { method?: string; body?: unknown; auth?: string | null } = {},
) {
  const u = new URL(path, base);
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      u,
      {
        method: opts.method ?? 'GET',
        ca,
        agent: false,
        headers: {
          accept: 'application/json',
          ...(opts.auth === null ? {} : { authorization: opts.auth ?? AUTH }),
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface AgentJson {
  id: string;
  hostname: string;
  address: string;
  connected: boolean;
  attributes: Record<string, string>;
  tasks: Array<{ id: string }>;
}
interface TaskJson {
  id: string;
  host: string;
  ports: number[];
  state: string;
}

describe('multi-host cluster on loopback', { timeout: 180_000 }, () => {
  let dbs: TempDatabases;
  let cert: TestCert;
  const procs: ClusterProcess[] = [];
  let base = '';

  before(async () => {
    dbs = await tempDatabases();
    cert = selfSignedCert();
    const { proc, url } = await ClusterProcess.master([
      '--store',
      await dbs.create(),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--agent-token',
      TOKEN,
      '--http-credentials',
      'ops:s3cret',
      '--tls-cert',
      cert.certFile,
      '--tls-key',
      cert.keyFile,
    ]);
    procs.push(proc);
    base = url;
    assert.match(base, /^https:/);
    for (const [i, addr] of ['127.0.0.2', '127.0.0.3'].entries()) {
      procs.push(
        await ClusterProcess.agent([
          '--master',
          base,
          '--token',
          TOKEN,
          '--ca',
          cert.certFile,
          '--advertise',
          addr,
          '--attribute',
          `rack=r${i + 1}`,
          '--resources',
          // Above `drover up`'s 25000-28999, below the kernel's ephemeral ports: tests run in parallel.
          `cpus=2,mem=1024,disk=1000,ports=${29100 + i * 100}-${29199 + i * 100}`,
          '--heartbeat-interval',
          '500',
        ]),
      );
    }
  });

  after(async () => {
    for (const p of procs.reverse()) await p.cleanup();
    cert?.remove();
    await dbs?.dropAll();
  });

  it('both agents register over wss with their addresses, attributes and resources', async () => {
    const agents = await waitFor(
      async () => {
        const res = await api(base, cert.cert, '/v2/agents');
        const list = (res.json as { agents: AgentJson[] }).agents;
        return list.filter((a) => a.connected).length === 2 ? list : undefined;
      },
      { what: 'two connected agents' },
    );
    assert.deepEqual(agents.map((a) => a.address).sort(), ['127.0.0.2', '127.0.0.3']);
    assert.deepEqual(agents.map((a) => a.hostname).sort(), ['127.0.0.2', '127.0.0.3']);
    assert.deepEqual(agents.map((a) => a.attributes['rack']).sort(), ['r1', 'r2']);
  });

  it('an app with hostname UNIQUE runs one task on each agent, each answering on its host', async () => {
    const created = await api(base, cert.cert, '/v2/apps', {
      method: 'POST',
      body: {
        id: '/spread',
        cmd: `node ${repoRoot}/examples/http-echo.js`,
        instances: 2,
        cpus: 0.1,
        mem: 32,
        constraints: [['hostname', 'UNIQUE']],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const tasks = await waitFor(
      async () => {
        const res = await api(base, cert.cert, '/v2/apps/spread/tasks');
        const list = (res.json as { tasks: TaskJson[] }).tasks.filter((t) => t.state === 'TASK_RUNNING');
        return list.length === 2 ? list : undefined;
      },
      { what: 'two running tasks', timeoutMs: 60_000 },
    );
    assert.deepEqual(tasks.map((t) => t.host).sort(), ['127.0.0.2', '127.0.0.3']);
    for (const t of tasks) {
      const answer = await waitFor(() => echo(t.host, t.ports[0]!), { what: `task on ${t.host}` });
      assert.equal(answer.task, t.id);
    }
    // A third instance has no host left under UNIQUE: it waits instead of doubling up.
    await api(base, cert.cert, '/v2/apps/spread', { method: 'PUT', body: { instances: 3 } });
    await waitFor(
      async () => {
        const q = (await api(base, cert.cert, '/v2/queue')).json as { queue: Array<{ count: number }> };
        return q.queue.length === 1 && q.queue[0]!.count === 1;
      },
      { what: 'one instance waiting in the queue' },
    );
    const running = (await api(base, cert.cert, '/v2/apps/spread/tasks')).json as { tasks: TaskJson[] };
    assert.equal(running.tasks.length, 2);
  });

  it('an agent restarted on its work dir registers under its id and keeps its task running', async () => {
    const before = ((await api(base, cert.cert, '/v2/agents')).json as { agents: AgentJson[] }).agents;
    const old = procs[1]!;
    const oldAgent = before.find((a) => a.address === '127.0.0.2')!;
    const task = (
      (await api(base, cert.cert, '/v2/apps/spread/tasks')).json as { tasks: TaskJson[] }
    ).tasks.find((t) => t.host === '127.0.0.2')!;
    const pid = (await echo(task.host, task.ports[0]!)).pid;
    await old.stop('SIGTERM');
    await waitFor(
      async () =>
        ((await api(base, cert.cert, '/v2/agents')).json as { agents: AgentJson[] }).agents.find(
          (a) => a.id === oldAgent.id && !a.connected,
        ),
      { what: 'the master to see the agent gone' },
    );
    assert.equal((await echo(task.host, task.ports[0]!)).pid, pid, 'the task outlives its agent');
    procs[1] = await ClusterProcess.agent(
      [
        '--master',
        base,
        '--token',
        TOKEN,
        '--ca',
        cert.certFile,
        '--advertise',
        '127.0.0.2',
        '--attribute',
        'rack=r1',
        '--resources',
        'cpus=2,mem=1024,disk=1000,ports=29100-29199',
        '--heartbeat-interval',
        '500',
      ],
      old.workDir,
    );
    await waitFor(
      async () =>
        ((await api(base, cert.cert, '/v2/agents')).json as { agents: AgentJson[] }).agents.find(
          (a) => a.id === oldAgent.id && a.connected,
        ),
      { what: 'the agent back under its id' },
    );
    const after = ((await api(base, cert.cert, '/v2/agents')).json as { agents: AgentJson[] }).agents;
    assert.equal(after.length, 2);
    const still = ((await api(base, cert.cert, '/v2/apps/spread/tasks')).json as { tasks: TaskJson[] }).tasks;
    assert.ok(
      still.some((t) => t.id === task.id && t.state === 'TASK_RUNNING'),
      'same task, still running',
    );
    assert.equal((await echo(task.host, task.ports[0]!)).pid, pid, 'same process');
  });

  it('the API needs credentials except for /ping', async () => {
    assert.equal((await api(base, cert.cert, '/ping', { auth: null })).status, 200);
    assert.equal((await api(base, cert.cert, '/v2/apps', { auth: null })).status, 401);
    const wrong = `Basic ${Buffer.from('ops:nope').toString('base64')}`;
    assert.equal((await api(base, cert.cert, '/v2/apps', { auth: wrong })).status, 401);
  });

  it('an agent with a wrong token is refused and logged by both sides, and nothing is stored', async () => {
    const intruder = await ClusterProcess.agent([
      '--master',
      base,
      '--token',
      'not-the-token',
      '--ca',
      cert.certFile,
      '--advertise',
      '127.0.0.4',
    ]);
    procs.push(intruder);
    await intruder.waitForOutput(/refused the cluster token \(401\)/, 'the agent to log the refusal');
    await procs[0]!.waitForOutput(/agent refused: bad cluster token/, 'the master to log the refusal');
    const agents = ((await api(base, cert.cert, '/v2/agents')).json as { agents: AgentJson[] }).agents;
    assert.equal(agents.length, 2);
    assert.ok(!agents.some((a) => a.address === '127.0.0.4'));
  });
});

describe('drover master / agent flags', { timeout: 240_000 }, () => {
  for (const [name, args, message] of [
    ['a bad port', ['master', '--port', 'eighty'], /expected an integer/],
    ['credentials without a password', ['master', '--http-credentials', 'ops'], /user:password/],
    [
      'a TLS cert without its key',
      ['master', '--tls-cert', '/nonexistent.pem'],
      /--tls-cert and --tls-key go together/,
    ],
    [
      'an unreadable TLS cert',
      ['master', '--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key'],
      /cannot read/,
    ],
    [
      'an unreadable TLS CA bundle',
      ['master', '--tls-ca', '/nonexistent-ca.pem'],
      /cannot read \/nonexistent-ca\.pem/,
    ],
    ['an agent without --master', ['agent', '--token', 'x'], /--master/],
    ['a bad master URL', ['agent', '--master', 'ftp://x:1'], /expected host:port/],
    ['a bad attribute', ['agent', '--master', '127.0.0.1:1', '--attribute', 'rack'], /key=value/],
    [
      'a bad resource',
      ['agent', '--master', '127.0.0.1:1', '--resources', 'cpus=-1'],
      /cpus must be a number/,
    ],
    [
      'a bad port range',
      ['agent', '--master', '127.0.0.1:1', '--resources', 'ports=32000-31000'],
      /ports must be ranges/,
    ],
    [
      'an unknown resource',
      ['agent', '--master', '127.0.0.1:1', '--resources', 'gpus=1'],
      /unknown resource/,
    ],
  ] as const) {
    it(`rejects ${name} with a message and a non-zero exit`, async () => {
      const { code, output } = await ClusterProcess.run([...args]);
      assert.notEqual(code, 0);
      assert.match(output, message);
    });
  }

  it('refuses to serve a non-loopback address without credentials unless --insecure', async () => {
    const { code, output } = await ClusterProcess.run([
      'master',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--store',
      ':memory:',
    ]);
    assert.equal(code, 2);
    assert.match(output, /refusing to listen on 0\.0\.0\.0.*API credential.*agent token.*--insecure/s);
    const partial = await ClusterProcess.run([
      'master',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--store',
      ':memory:',
      '--api-token',
      't',
    ]);
    assert.equal(partial.code, 2);
    assert.match(partial.output, /without an agent token/);
  });
});
