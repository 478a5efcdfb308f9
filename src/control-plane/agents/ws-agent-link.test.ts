/**
 * The agent link over real WebSockets on loopback: a real Master (memory store) behind
 * attachAgentServer, real Agents (fake executor) dialling through MasterConnector, and raw
 * WebSocket clients for what a well-behaved agent never sends.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import WebSocket, { WebSocketServer } from 'ws';
import { Agent } from '../../agent/agent.js';
import { FakeExecutor } from '../../agent/executors/fake-executor.js';
import { MasterConnector } from '../../agent/master-connector.js';
import { tempDir } from '../../agent/testing/temp-dir.js';
import { waitFor } from '../../agent/testing/wait-for.js';
import { DialError, dialMaster, redirectTarget } from '../../agent/ws-link.js';
import type { MasterLink, MasterToAgent } from '../../domain/agent-protocol.js';
import { PROTOCOL_VERSION } from '../../domain/agent-protocol.js';
import { systemClock } from '../../platform/clock.js';
import { seededRandom, systemIds } from '../../platform/ids.js';
import { silentLogger } from '../../platform/logger.js';
import { createMemoryStore } from '../../store/memory-store.js';
import type { Store } from '../../store/port.js';
import { Master } from '../master.js';
import { captureLog } from '../testing/log-capture.js';
import { AGENT_PATH, attachAgentServer } from './ws-agent-server.js';

const TOKEN = 'cluster-secret';
const cleanups: Array<() => Promise<unknown> | unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}${AGENT_PATH}`;
}

/** A master on a loopback port; its log is captured. */
async function startMaster(opts: { registerTimeoutMs?: number } = {}): Promise<{
  url: string;
  master: Master;
  store: Store;
  log: ReturnType<typeof captureLog>;
}> {
  const log = captureLog();
  const store = createMemoryStore();
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: seededRandom(1),
    logger: log.logger,
    http: { host: '127.0.0.1', port: 0 },
  });
  master.start();
  const server = createServer();
  const agents = attachAgentServer({
    server,
    token: TOKEN,
    logger: log.logger,
    onLink: (l) => master.connectAgent(l),
    ...opts,
  });
  const url = await listen(server);
  cleanups.push(async () => {
    await master.stop();
    await agents.close();
  });
  return { url, master, store, log };
}

async function startAgent(
  masters: string[],
  over: { hostname?: string; agentId?: string; token?: string; workDir?: string } = {},
) {
  const dir =
    over.workDir !== undefined
      ? { path: over.workDir, remove: async () => undefined }
      : await tempDir('drover-ws-agent-');
  const executor = new FakeExecutor(systemClock);
  const agent = new Agent({
    hostname: over.hostname ?? 'host-a',
    address: over.hostname ?? 'host-a',
    resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31100]] },
    attributes: { rack: 'r1' },
    workDir: dir.path,
    executors: { process: executor },
    clock: systemClock,
    ids: systemIds,
    logger: silentLogger(),
    heartbeatIntervalMs: 50,
    ...(over.agentId !== undefined ? { agentId: over.agentId } : {}),
  });
  const connector = new MasterConnector({
    masters,
    token: over.token ?? TOKEN,
    agent,
    clock: systemClock,
    random: seededRandom(2),
    logger: silentLogger(),
    minBackoffMs: 20,
    maxBackoffMs: 200,
  });
  connector.start();
  cleanups.push(async () => {
    connector.stop();
    await agent.stop({ killTasks: false });
    await dir.remove();
  });
  return { agent, connector, executor };
}

/** A raw client: open, then everything it receives and how it closed. */
async function rawClient(url: string, token: string | undefined = TOKEN) {
  const ws = new WebSocket(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const received: MasterToAgent[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  // Binary frames are compressed JSON (sent only to clients that registered compressedFrames).
  ws.on('message', (d: Buffer, isBinary) =>
    received.push(JSON.parse(isBinary ? inflateRawSync(d).toString() : String(d)) as MasterToAgent),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  return {
    ws,
    received,
    closed,
    send: (v: unknown) => ws.send(typeof v === 'string' ? v : JSON.stringify(v)),
  };
}

/** A hand-driven master: the agent endpoint alone, each link handed to `onLink`; its URL. */
async function handDrivenEndpoint(onLink: (link: MasterLink) => void): Promise<string> {
  const server = createServer();
  const endpoint = attachAgentServer({ server, token: TOKEN, logger: silentLogger(), onLink });
  cleanups.push(() => endpoint.close());
  return listen(server);
}

/** A hand-driven endpoint that confirms every registration (by hostname) and keeps the links. */
async function registeringEndpoint(): Promise<{ links: MasterLink[]; url: string }> {
  const links: MasterLink[] = [];
  const url = await handDrivenEndpoint((link) => {
    links.push(link);
    link.onMessage((msg) => {
      if (msg.type === 'register') link.send({ type: 'registered', agentId: msg.hostname });
    });
  });
  return { links, url };
}

function register(over: Record<string, unknown> = {}) {
  return {
    type: 'register',
    protocolVersion: PROTOCOL_VERSION,
    hostname: 'raw-host',
    address: '127.0.0.9',
    resources: { cpus: 1, mem: 128, disk: 0, ports: [[32000, 32010]] },
    attributes: {},
    capabilities: { docker: false },
    runningTasks: [],
    ...over,
  };
}

describe('agent link over WebSocket', { timeout: 60_000 }, () => {
  it('an agent with the cluster token registers, and its heartbeats arrive', async () => {
    const m = await startMaster();
    const { agent } = await startAgent([m.url]);
    await waitFor(() => agent.isRegistered, 'registration');
    const stored = await waitFor(() => m.store.getAgent(agent.id!), 'stored agent');
    assert.equal(stored.hostname, 'host-a');
    assert.deepEqual(stored.attributes, { rack: 'r1' });
    await waitFor(() => {
      const a = m.master.agents().find((x) => x.id === agent.id);
      return a !== undefined && a.lastHeartbeatAt > a.registeredAt;
    }, 'a heartbeat');
  });

  it('refuses (401) a wrong or missing token, logs it and stores nothing', async () => {
    const m = await startMaster();
    for (const token of ['wrong', undefined]) {
      await assert.rejects(
        dialMaster({ url: m.url, token, logger: silentLogger() }),
        (e) => e instanceof DialError && e.status === 401,
      );
    }
    assert.equal(m.log.lines.filter((l) => String(l['msg']).includes('bad cluster token')).length, 2);
    assert.deepEqual(await m.store.listAgents(), []);
    assert.deepEqual(m.master.agents(), []);
  });

  it('answers 404 for another path', async () => {
    const m = await startMaster();
    await assert.rejects(
      dialMaster({ url: m.url.replace(AGENT_PATH, '/other'), token: TOKEN, logger: silentLogger() }),
      (e) => e instanceof DialError && e.status === 404,
    );
  });

  for (const [name, frame] of [
    ['a frame that is not JSON', '{not json'],
    ['a JSON value that is not an object', '[1,2]'],
    ['an unknown message type', { type: 'takeOver' }],
    ['a register with a wrong field type', register({ hostname: 5 })],
    ['a register without resources', register({ resources: undefined })],
    ['a register of another protocol version', register({ protocolVersion: 99 })],
    [
      'a register with a port out of range',
      register({ resources: { cpus: 1, mem: 1, disk: 0, ports: [[1, 70000]] } }),
    ],
    [
      'a status update before registering',
      {
        type: 'statusUpdate',
        updateId: 'u',
        agentId: 'x',
        taskId: 't',
        appId: '/a',
        state: 'TASK_RUNNING',
        timestamp: 1,
      },
    ],
  ] as const) {
    it(`closes the connection on ${name}, logs it and stores nothing`, async () => {
      const m = await startMaster();
      const c = await rawClient(m.url);
      c.send(frame);
      const { code } = await c.closed;
      assert.equal(code, 1008);
      assert.ok(m.log.has('agent protocol violation'), 'logged');
      assert.deepEqual(await m.store.listAgents(), []);
      assert.deepEqual(m.master.agents(), []);
    });
  }

  it('closes a connection that never registers', async () => {
    const m = await startMaster({ registerTimeoutMs: 100 });
    const c = await rawClient(m.url);
    assert.equal((await c.closed).code, 1008);
    assert.ok(m.log.has('no register message in time'));
  });

  it('the agent end closes a link on a malformed frame from the master and never delivers it', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'launch', task: { taskId: 5 } })));
    const link = await dialMaster({
      url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent/v1`,
      token: TOKEN,
      logger: silentLogger(),
    });
    const delivered: unknown[] = [];
    link.onMessage((msg) => delivered.push(msg));
    await new Promise<void>((resolve) => link.onClose(resolve));
    assert.deepEqual(delivered, []);
  });

  it('refuses an agent claiming a connected agent’s id; the real one stays connected and unchanged', async () => {
    const m = await startMaster();
    const { agent } = await startAgent([m.url], { hostname: 'host-a' });
    await waitFor(() => agent.isRegistered, 'registration');
    const before = await m.store.getAgent(agent.id!);

    const c = await rawClient(m.url);
    c.send(register({ agentId: agent.id, hostname: 'intruder', address: '127.0.0.66' }));
    await c.closed;
    assert.equal(c.received[0]?.type, 'refused');
    assert.ok(m.log.has(`agent id ${agent.id} belongs to host-a`), 'logged');
    assert.deepEqual(await m.store.getAgent(agent.id!), before);
    assert.equal((await m.store.listAgents()).length, 1);
    assert.ok(agent.isRegistered);
    assert.equal(m.master.agents().find((a) => a.id === agent.id)?.connected, true);
  });

  it('regression: the cluster token alone cannot take over a registered agent, even with its hostname and address', async () => {
    const m = await startMaster();
    const dir = await tempDir('drover-ws-agent-');
    cleanups.push(() => dir.remove());
    const first = await startAgent([m.url], { hostname: 'host-a', workDir: dir.path });
    await waitFor(() => first.agent.isRegistered, 'registration');
    const id = first.agent.id!;
    // The master issued the agent its own credential, kept beside its id, readable by its user only.
    const secretFile = join(dir.path, 'agent-secret');
    await waitFor(() => existsSync(secretFile), 'agent-secret written');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    const secret = readFileSync(secretFile, 'utf8').trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    const before = await m.store.getAgent(id);

    // Everything /v2/agents shows (id, hostname, address) plus the cluster token: refused.
    for (const agentSecret of [undefined, 'f'.repeat(64)]) {
      const c = await rawClient(m.url);
      c.send(
        register({
          agentId: id,
          hostname: 'host-a',
          address: 'host-a',
          ...(agentSecret ? { agentSecret } : {}),
        }),
      );
      await c.closed;
      assert.equal(c.received[0]?.type, 'refused');
      assert.equal(c.received.length, 1, 'nothing but the refusal reaches the intruder');
    }
    assert.ok(m.log.has(`agent id ${id} is registered, and this registration does not carry its credential`));
    assert.deepEqual(await m.store.getAgent(id), before);
    assert.ok(first.agent.isRegistered);
    assert.equal(m.master.agents().find((a) => a.id === id)?.connected, true);

    // The agent itself, restarted on its work dir, proves who it is and keeps its id.
    first.connector.stop();
    await first.agent.stop({ killTasks: false });
    const again = await startAgent([m.url], { hostname: 'host-a', agentId: id, workDir: dir.path });
    await waitFor(() => again.agent.isRegistered, 're-registration');
    assert.equal(again.agent.id, id);
    assert.equal(readFileSync(secretFile, 'utf8').trim(), secret, 'a proven agent keeps its credential');
  });

  it('closes a registered connection that sends messages under another agent’s id', async () => {
    const m = await startMaster();
    const { agent } = await startAgent([m.url]);
    await waitFor(() => agent.isRegistered, 'registration');
    const c = await rawClient(m.url);
    c.send(register());
    const registered = await waitFor(() => c.received.find((x) => x.type === 'registered'), 'registered');
    assert.notEqual(registered.type === 'registered' && registered.agentId, agent.id);
    c.send({ type: 'heartbeat', agentId: agent.id });
    assert.equal((await c.closed).code, 1008);
    assert.ok(m.log.has(`claims agent ${agent.id}`));
  });

  it('a frame sent encoded to many links arrives at each as the same text frame', async () => {
    const { links, url } = await registeringEndpoint();
    const clients = await Promise.all(['a', 'b'].map(() => rawClient(url)));
    const binary: boolean[] = [];
    for (const c of clients) c.ws.on('message', (_d, isBinary) => binary.push(isBinary));
    for (const [i, c] of clients.entries()) c.send(register({ hostname: `h${i}` }));
    await waitFor(() => clients.every((c) => c.received.length === 1), 'both registered');
    const first: MasterToAgent = { type: 'routes', table: { routes: [] }, version: 1 };
    const second: MasterToAgent = { type: 'routes', table: { routes: [] }, version: 2 };
    for (const l of links) l.sendEncoded?.(first, JSON.stringify(first));
    links[0]!.sendEncoded?.(second, JSON.stringify(second));
    await waitFor(() => clients[0]!.received.length === 3 && clients[1]!.received.length === 2, 'frames');
    assert.deepEqual(clients[0]!.received.slice(1), [first, second]);
    assert.deepEqual(clients[1]!.received.slice(1), [first]);
    assert.deepEqual(binary, [false, false, false, false, false], 'text frames, as the protocol requires');
  });

  it('a large frame sent encoded goes compressed to agents that registered compressedFrames, as text to others', async () => {
    const { links, url } = await registeringEndpoint();
    const clients = await Promise.all(['plain', 'compressed'].map(() => rawClient(url)));
    const frames: Array<{ client: number; binary: boolean; bytes: number }> = [];
    for (const [i, c] of clients.entries()) {
      c.ws.on('message', (d: Buffer, isBinary) =>
        frames.push({ client: i, binary: isBinary, bytes: d.length }),
      );
    }
    clients[0]!.send(register({ hostname: 'plain' }));
    clients[1]!.send(register({ hostname: 'compressed', compressedFrames: true }));
    await waitFor(() => clients.every((c) => c.received.length === 1), 'both registered');
    const backends = Array.from({ length: 200 }, (_, i) => ({
      taskId: `app.${String(i).padStart(8, '0')}`,
      host: '10.0.0.1',
      port: 31000 + i,
    }));
    const table: MasterToAgent = {
      type: 'routes',
      table: {
        routes: [
          { appId: '/app', servicePort: 10000, portIndex: 0, mode: 'tcp', vhosts: [], paths: [], backends },
        ],
      },
      version: 1,
    };
    const small: MasterToAgent = { type: 'routes', table: { routes: [] }, version: 2 };
    for (const m of [table, small]) for (const l of links) l.sendEncoded?.(m, JSON.stringify(m));
    await waitFor(() => clients.every((c) => c.received.length === 3), 'frames');
    for (const c of clients) assert.deepEqual(c.received.slice(1), [table, small]);
    const text = JSON.stringify(table).length;
    // Each client's first frame is its `registered`.
    const [plainBig, plainSmall] = frames.filter((f) => f.client === 0).slice(1);
    const [packedBig, packedSmall] = frames.filter((f) => f.client === 1).slice(1);
    assert.deepEqual([plainBig?.binary, plainSmall?.binary], [false, false]);
    assert.equal(plainBig?.bytes, text);
    assert.equal(packedBig?.binary, true, 'compressed: a binary frame');
    assert.ok(packedBig!.bytes < text / 2, `compressed ${packedBig?.bytes} of ${text} bytes`);
    assert.equal(packedSmall?.binary, false, 'a small frame stays text');
  });

  it('the agent end inflates a compressed frame from the master and closes the link on a binary frame that is not one', async () => {
    const routes: MasterToAgent = { type: 'routes', table: { routes: [] }, version: 7 };
    for (const [frame, delivered] of [
      [deflateRawSync(JSON.stringify(routes)), [routes]],
      [Buffer.from(JSON.stringify(routes)), []],
    ] as const) {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
      await new Promise((resolve) => wss.once('listening', resolve));
      // Sent once the agent end speaks, so its handler is attached by then.
      wss.on('connection', (ws) =>
        ws.once('message', () => {
          ws.send(frame, { binary: true });
          ws.close(1000);
        }),
      );
      const link = await dialMaster({
        url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent/v1`,
        token: TOKEN,
        logger: silentLogger(),
      });
      const got: unknown[] = [];
      link.onMessage((msg) => got.push(msg));
      const closed = new Promise<void>((resolve) => link.onClose(resolve));
      link.send({ type: 'heartbeat', agentId: 'a1' });
      await closed;
      assert.deepEqual(got, delivered);
    }
  });

  it('reconnects after a drop and re-sends updates the master had not acked', async () => {
    // A hand-driven master: registers every link, launches one task on the first, never acks.
    const links: MasterLink[] = [];
    const updates: Array<{ link: number; updateId: string; state: string }> = [];
    const url = await handDrivenEndpoint((link) => {
      const n = links.push(link) - 1;
      link.onMessage((msg) => {
        if (msg.type === 'register') {
          link.send({ type: 'registered', agentId: 'agent-1' });
          if (n === 0) link.send({ type: 'launch', task: taskSpec('t1') });
        } else if (msg.type === 'statusUpdate')
          updates.push({ link: n, updateId: msg.updateId, state: msg.state });
      });
    });
    const { agent } = await startAgent([url]);
    await waitFor(() => updates.some((u) => u.state === 'TASK_RUNNING'), 'TASK_RUNNING on the first link');
    const firstIds = updates.filter((u) => u.link === 0).map((u) => u.updateId);
    assert.deepEqual(
      agent.pendingUpdates().map((u) => u.updateId),
      firstIds,
    );

    links[0]!.close();
    await waitFor(() => updates.filter((u) => u.link === 1).length >= firstIds.length, 're-sent updates');
    assert.deepEqual(
      updates.filter((u) => u.link === 1).map((u) => u.updateId),
      firstIds,
    );
    for (const updateId of firstIds) links[1]!.send({ type: 'ack', updateId });
    await waitFor(() => agent.pendingUpdates().length === 0, 'acks applied');
  });

  it('follows a standby’s redirect to the leader', async () => {
    const leader = await startMaster();
    const standbyServer = createServer();
    const leaderHostPort = new URL(leader.url).host;
    const standby = attachAgentServer({
      server: standbyServer,
      token: TOKEN,
      logger: silentLogger(),
      onLink: (link) => link.onMessage(() => link.send({ type: 'redirect', leader: leaderHostPort })),
    });
    cleanups.push(() => standby.close());
    const standbyUrl = await listen(standbyServer);
    const { agent } = await startAgent([standbyUrl]);
    await waitFor(() => agent.isRegistered, 'registration with the leader');
    assert.equal(leader.master.agents().length, 1);
  });

  it('tries the next master URL when one is down', async () => {
    const m = await startMaster();
    const down = 'ws://127.0.0.1:1/agent/v1';
    const { agent } = await startAgent([down, m.url]);
    await waitFor(() => agent.isRegistered, 'registration with the second master');
  });

  it('redirect targets keep the dialled scheme and path for host:port', () => {
    assert.equal(
      redirectTarget('10.0.0.2:8080', 'wss://10.0.0.1:8080/agent/v1'),
      'wss://10.0.0.2:8080/agent/v1',
    );
    assert.equal(redirectTarget('http://m2:9000', 'ws://m1:8080/agent/v1'), 'ws://m2:9000/agent/v1');
    assert.equal(redirectTarget('ws://m3:1/agent/v1', 'wss://m1:8080/agent/v1'), 'ws://m3:1/agent/v1');
  });
});

function taskSpec(taskId: string) {
  return {
    taskId,
    appId: '/web',
    version: '2024-01-01T00:00:00.000Z',
    command: { shell: true as const, value: 'true' },
    env: {},
    ports: [],
    resources: { cpus: 0.1, mem: 16, disk: 0 },
    killGracePeriodMs: 100,
    fetch: [],
    healthChecks: [],
    readinessChecks: [],
    portNames: [],
    labels: {},
  };
}
