import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AgentToMaster,
  type MasterLink,
  type MasterToAgent,
  PROTOCOL_VERSION,
} from '../../domain/agent-protocol.js';
import { systemClock } from '../../platform/clock.js';
import { sequentialIds } from '../../platform/ids.js';
import { createMemoryLinkPair } from '../../platform/memory-link.js';
import { AgentHub } from './agent-hub.js';

const register: Extract<AgentToMaster, { type: 'register' }> = {
  type: 'register',
  protocolVersion: PROTOCOL_VERSION,
  agentId: 'a1',
  hostname: 'a1',
  address: '127.0.0.1',
  resources: { cpus: 1, mem: 128, disk: 0, ports: [] },
  attributes: {},
  capabilities: { docker: false },
  runningTasks: [],
};

const settle = () => new Promise((r) => setImmediate(r));

/** A hub whose agents are registered under their hostname, at once. */
function hubNamingAgentsByHostname(): AgentHub {
  return new AgentHub(
    {
      register: async (msg) => ({ agentId: msg.hostname }),
      registered: async () => undefined,
      statusUpdate: async () => undefined,
      heartbeat: () => undefined,
      disconnected: () => undefined,
    },
    systemClock,
    sequentialIds(),
  );
}

describe('agent hub', () => {
  it('takes no launches for an agent until its registration is reconciled, nor after its link closes', async () => {
    let finishReconcile: () => void = () => undefined;
    const hub = new AgentHub(
      {
        register: async () => ({ agentId: 'a1' }),
        registered: () =>
          new Promise<void>((resolve) => {
            finishReconcile = resolve;
          }),
        statusUpdate: async () => undefined,
        heartbeat: () => undefined,
        disconnected: () => undefined,
      },
      systemClock,
      sequentialIds(),
    );
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    hub.accept(masterEnd);
    agentEnd.send(register);
    await settle();
    // Registered and usable for kills, but a launch now would miss the report being compared.
    assert.equal(hub.isConnected('a1'), true);
    assert.equal(hub.acceptsLaunches('a1'), false);
    finishReconcile();
    await settle();
    assert.equal(hub.acceptsLaunches('a1'), true);

    // Re-registering over a new link: not ready again until that registration is reconciled.
    const second = createMemoryLinkPair();
    hub.accept(second.masterEnd);
    second.agentEnd.send(register);
    await settle();
    assert.equal(hub.acceptsLaunches('a1'), false);
    finishReconcile();
    await settle();
    assert.equal(hub.acceptsLaunches('a1'), true);

    second.agentEnd.close();
    await settle();
    assert.equal(hub.isConnected('a1'), false);
    assert.equal(hub.acceptsLaunches('a1'), false);
  });

  it('sends routing patches to agents that apply them, whole tables to the others, each frame encoded once', async () => {
    const hub = hubNamingAgentsByHostname();
    // Network links: what each was sent, and the encoded frames' identities.
    const frames: Array<{ agent: string; msg: MasterToAgent; encoded: string }> = [];
    const link = (agent: string) => {
      let onMessage: (msg: AgentToMaster) => void = () => undefined;
      const l: MasterLink = {
        send: () => undefined,
        sendEncoded: (msg, encoded) => frames.push({ agent, msg, encoded }),
        onMessage: (h) => {
          onMessage = h;
        },
        onClose: () => undefined,
        close: () => undefined,
      };
      hub.accept(l);
      return (msg: AgentToMaster) => onMessage(msg);
    };
    link('new-1')({ ...register, agentId: 'new-1', hostname: 'new-1', routePatches: true });
    link('new-2')({ ...register, agentId: 'new-2', hostname: 'new-2', routePatches: true });
    link('old')({ ...register, agentId: 'old', hostname: 'old' });
    await settle();
    let wholeBuilt = 0;
    let patchEncoded = 0;
    const table = { routes: [] };
    const patch = { removed: [1], routes: [], backends: [] };
    // Counts how often the patch is turned into JSON.
    Object.defineProperty(patch, 'toJSON', {
      enumerable: false,
      value: () => {
        patchEncoded++;
        return { ...patch };
      },
    });
    hub.broadcastRoutes({ type: 'routesPatch', patch, from: 1, version: 2 }, () => {
      wholeBuilt++;
      return { type: 'routes', table, version: 2 };
    });
    const byAgent = Object.fromEntries(frames.map((f) => [f.agent, f.msg.type]));
    assert.deepEqual(byAgent, { 'new-1': 'routesPatch', 'new-2': 'routesPatch', old: 'routes' });
    assert.equal(wholeBuilt, 1);
    assert.equal(patchEncoded, 1, 'one encoding for both patching agents');
    const [a, b] = frames.filter((f) => f.msg.type === 'routesPatch');
    assert.equal(a!.encoded, b!.encoded);
    assert.deepEqual(JSON.parse(frames.find((f) => f.agent === 'old')!.encoded), {
      type: 'routes',
      table,
      version: 2,
    });
  });

  it('encodes a whole routing table sent to many registering agents once per table and version', async () => {
    const hub = hubNamingAgentsByHostname();
    const frames: Array<{ agent: string; encoded: string }> = [];
    for (const agent of ['a', 'b', 'c']) {
      let onMessage: (msg: AgentToMaster) => void = () => undefined;
      hub.accept({
        send: () => assert.fail('a whole table goes out encoded'),
        sendEncoded: (_msg, encoded) => frames.push({ agent, encoded }),
        onMessage: (h) => {
          onMessage = h;
        },
        onClose: () => undefined,
        close: () => undefined,
      });
      onMessage({ ...register, agentId: agent, hostname: agent });
    }
    await settle();
    let encodings = 0;
    const counted = (routes: unknown[]) => {
      const table = { routes };
      Object.defineProperty(table, 'toJSON', {
        enumerable: false,
        value: () => {
          encodings++;
          return { routes };
        },
      });
      return table as { routes: never[] };
    };
    const first = counted([]);
    for (const agent of ['a', 'b']) hub.send(agent, { type: 'routes', table: first, version: 7 });
    assert.equal(encodings, 1, 'one encoding for two agents');
    assert.equal(frames[0]!.encoded, frames[1]!.encoded);
    // The same table at a new version, or a new table: encoded again, and sent as it is now.
    hub.send('c', { type: 'routes', table: first, version: 8 });
    const second = counted([]);
    hub.send('a', { type: 'routes', table: second, version: 8 });
    assert.equal(encodings, 3);
    assert.deepEqual(
      frames.map((f) => [f.agent, (JSON.parse(f.encoded) as { version: number }).version]),
      [
        ['a', 7],
        ['b', 7],
        ['c', 8],
        ['a', 8],
      ],
    );
  });
});
