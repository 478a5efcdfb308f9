import type { AgentToMaster, MasterLink, MasterToAgent } from '../../domain/agent-protocol.js';
import type { TaskState } from '../../domain/task.js';
import { createMemoryLinkPair } from '../../platform/memory-link.js';
import type { Agent } from '../agent.js';
import type { StatusUpdateMessage } from '../unacked-updates.js';
import { waitFor, within } from './wait-for.js';

type Register = Extract<AgentToMaster, { type: 'register' }>;

/**
 * Test helper: the master's end of one agent link, recording everything the agent sends so a test
 * can wait for a message instead of sleeping.
 */
export class FakeMaster {
  readonly received: AgentToMaster[] = [];
  closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly link: MasterLink,
    private readonly opts: { autoAck?: boolean } = {},
  ) {
    link.onMessage((msg) => {
      this.received.push(msg);
      if (this.opts.autoAck && msg.type === 'statusUpdate')
        link.send({ type: 'ack', updateId: msg.updateId });
      this.wake();
    });
    link.onClose(() => {
      this.closed = true;
      this.wake();
    });
  }

  /** A new memory link pair, the agent connected to one end and a FakeMaster on the other. */
  static connect(agent: Agent, opts: { autoAck?: boolean } = {}): FakeMaster {
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    const master = new FakeMaster(masterEnd, opts);
    agent.connect(agentEnd);
    return master;
  }

  send(msg: MasterToAgent): void {
    this.link.send(msg);
  }

  /** Waits for the agent's `register`, answers `registered`, and waits until the agent took it. */
  async accept(agent: Agent, agentId: string): Promise<Register> {
    const reg = await this.until((m): m is Register => m.type === 'register', 'register');
    this.send({ type: 'registered', agentId });
    await waitFor(() => agent.isRegistered, 'agent to be registered');
    return reg;
  }

  /** Resolves with the first received message matching `match`, already received or still to come. */
  until<T extends AgentToMaster>(match: (m: AgentToMaster) => m is T, what: string): Promise<T> {
    const waiting = new Promise<T>((resolve) => {
      const check = () => {
        const hit = this.received.find(match);
        if (hit === undefined) return false;
        this.wakers.delete(check);
        resolve(hit);
        return true;
      };
      if (!check()) this.wakers.add(check);
    });
    return within(waiting, what);
  }

  updates(taskId?: string): StatusUpdateMessage[] {
    return this.received.filter(
      (m): m is StatusUpdateMessage =>
        m.type === 'statusUpdate' && (taskId === undefined || m.taskId === taskId),
    );
  }

  states(taskId: string): TaskState[] {
    return this.updates(taskId).map((u) => u.state);
  }

  untilState(taskId: string, state: TaskState): Promise<StatusUpdateMessage> {
    return this.until(
      (m): m is StatusUpdateMessage => m.type === 'statusUpdate' && m.taskId === taskId && m.state === state,
      `${taskId} ${state}`,
    );
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
