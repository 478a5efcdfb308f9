/**
 * What an agent may send on one connection, and when: only `register` (of our protocol version)
 * until the master answers `registered`, never a second `register`, and never a message naming
 * another agent's id. The
 * in-memory links of `drover up` connect trusted in-process agents; this guards the network ones.
 * A violation closes the connection before anything reaches the master, so nothing is stored.
 */
import { type AgentToMaster, type MasterToAgent, PROTOCOL_VERSION } from '../../domain/agent-protocol.js';

export class AgentSession {
  private phase: 'new' | 'registering' | 'registered' = 'new';
  private agentId: string | undefined;

  /** Call for every message the master sends on this connection. */
  sent(msg: MasterToAgent): void {
    if (msg.type === 'registered') {
      this.phase = 'registered';
      this.agentId = msg.agentId;
    }
  }

  /** Undefined when `msg` is allowed now (and records it); otherwise why it is not. */
  violation(msg: AgentToMaster): string | undefined {
    if (msg.type === 'register') {
      if (this.phase !== 'new') return 'register sent twice on one connection';
      if (msg.protocolVersion !== PROTOCOL_VERSION) {
        return `agent protocol ${msg.protocolVersion} is not supported (this master speaks ${PROTOCOL_VERSION})`;
      }
      this.phase = 'registering';
      return undefined;
    }
    if (this.phase !== 'registered') return `${msg.type} before the master confirmed the registration`;
    if ('agentId' in msg && msg.agentId !== this.agentId) {
      return `${msg.type} claims agent ${msg.agentId} on the connection of agent ${this.agentId}`;
    }
    return undefined;
  }
}
