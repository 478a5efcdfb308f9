import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentToMaster, PROTOCOL_VERSION } from '../../domain/agent-protocol.js';
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
});
