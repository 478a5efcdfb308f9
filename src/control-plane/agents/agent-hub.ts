/**
 * The master's end of every agent link: which agent is on which link, sending launches and kills,
 * and request/response for log reads. Knows nothing of apps; Master decides what to send.
 *
 * An agent takes new tasks only once its registration is reconciled (`acceptsLaunches`). Its
 * `register` lists what it ran when it sent it; a launch sent between that and the master's
 * comparison would be missing from the list, taken for gone and retried, while the agent runs it
 * too: a job run would run twice.
 */
import type { AgentToMaster, LogStream, MasterLink, MasterToAgent } from '../../domain/agent-protocol.js';
import { DroverError } from '../../domain/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { Ids } from '../../platform/ids.js';

type RegisterMsg = Extract<AgentToMaster, { type: 'register' }>;
type UpdateMsg = Extract<AgentToMaster, { type: 'statusUpdate' }>;

export interface AgentHubEvents {
  /** Returns the agent id to confirm, or a refusal reason. */
  /**
   * `trusted`: an in-process link (`drover up`), which nobody else can open, so the agent's own
   * credential is not required of it. A new credential comes back as `agentSecret`.
   */
  register(
    msg: RegisterMsg,
    trusted: boolean,
  ): Promise<{ agentId: string; agentSecret?: string } | { refused: string }>;
  /** Runs once the link is usable, so kills for unknown tasks reach the agent. */
  registered(agentId: string, msg: RegisterMsg): Promise<void>;
  statusUpdate(agentId: string, msg: UpdateMsg): Promise<void>;
  heartbeat(agentId: string): void;
  /** The agent's router reported the service ports it cannot bind. */
  routeStatus?(agentId: string, failures: Extract<AgentToMaster, { type: 'routeStatus' }>['failures']): void;
  /** The agent's router took routing table `version` (route-push.ts waits for it before kills). */
  routesApplied?(agentId: string, version: number): void;
  disconnected(agentId: string): void;
  /**
   * Handling a message failed (e.g. the store was unreachable). The hub closes the link without
   * acking, so the agent reconnects and re-sends; this is for the log.
   */
  failed?(agentId: string | undefined, what: string, err: unknown): void;
}

interface PendingLog {
  resolve(data: string): void;
  reject(err: Error): void;
  cancel(): void;
}

export class AgentHub {
  private readonly links = new Map<string, MasterLink>();
  /** Agents whose registration on their current link has been reconciled. */
  private readonly reconciled = new Set<string>();
  /** Agents that said at registration on their current link that they apply routing patches. */
  private readonly takesPatches = new Set<string>();
  private readonly pending = new Map<string, PendingLog>();
  /**
   * The last whole routing table sent, encoded. Every agent that registers gets the whole table,
   * and after a leadership change every agent registers again within seconds: encoding the table
   * (megabytes at 100,000 tasks) once per agent cost O(agents x tasks) on the master's one thread.
   */
  private lastTable: { msg: Extract<MasterToAgent, { type: 'routes' }>; encoded: string } | undefined;

  constructor(
    private readonly events: AgentHubEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
  ) {}

  accept(link: MasterLink, opts: { trusted?: boolean } = {}): void {
    let agentId: string | undefined;
    link.onMessage((msg) => {
      if (msg.type === 'register') {
        void this.events
          .register(msg, opts.trusted === true)
          .then((r) => {
            if ('refused' in r) {
              link.send({ type: 'refused', reason: r.refused });
              link.close();
              return;
            }
            const previous = this.links.get(r.agentId);
            if (previous && previous !== link) previous.close();
            agentId = r.agentId;
            const id = r.agentId;
            this.reconciled.delete(id);
            this.links.set(id, link);
            if (msg.routePatches === true) this.takesPatches.add(id);
            else this.takesPatches.delete(id);
            link.send({
              type: 'registered',
              agentId: id,
              ...(r.agentSecret !== undefined ? { agentSecret: r.agentSecret } : {}),
            });
            return this.events.registered(id, msg).then(() => {
              if (this.links.get(id) === link) this.reconciled.add(id);
            });
          })
          .catch((err: unknown) => this.fail(link, agentId, 'register', err));
        return;
      }
      if (agentId === undefined) return; // nothing is accepted before registration
      if (msg.type === 'heartbeat') this.events.heartbeat(agentId);
      else if (msg.type === 'statusUpdate') {
        const id = agentId;
        void this.events
          .statusUpdate(id, msg)
          .then(() => link.send({ type: 'ack', updateId: msg.updateId }))
          .catch((err: unknown) => this.fail(link, id, 'statusUpdate', err));
      } else if (msg.type === 'logData') this.settleLog(msg.requestId, msg.data, msg.error);
      else if (msg.type === 'routeStatus') this.events.routeStatus?.(agentId, msg.failures);
      else if (msg.type === 'routesApplied') this.events.routesApplied?.(agentId, msg.version);
    });
    link.onClose(() => {
      if (agentId !== undefined && this.links.get(agentId) === link) {
        this.links.delete(agentId);
        this.reconciled.delete(agentId);
        this.takesPatches.delete(agentId);
        this.events.disconnected(agentId);
      }
    });
  }

  /** An unhandled rejection would end the master: drop the link instead, the agent retries. */
  private fail(link: MasterLink, agentId: string | undefined, what: string, err: unknown): void {
    this.events.failed?.(agentId, what, err);
    link.close();
  }

  isConnected(agentId: string): boolean {
    return this.links.has(agentId);
  }

  /** Connected, and what it reported at registration has been compared with the store. */
  acceptsLaunches(agentId: string): boolean {
    return this.links.has(agentId) && this.reconciled.has(agentId);
  }

  /** False when the agent is not connected; the reconciler retries on a later pass. */
  send(agentId: string, msg: MasterToAgent): boolean {
    const link = this.links.get(agentId);
    if (!link) return false;
    if (msg.type === 'routes' && link.sendEncoded) link.sendEncoded(msg, this.encodedTable(msg));
    else link.send(msg);
    return true;
  }

  /** The same table at the same version is encoded once, however many agents it goes to. */
  private encodedTable(msg: Extract<MasterToAgent, { type: 'routes' }>): string {
    const last = this.lastTable;
    if (last && last.msg.table === msg.table && last.msg.version === msg.version) return last.encoded;
    const encoded = JSON.stringify(msg);
    this.lastTable = { msg, encoded };
    return encoded;
  }

  /**
   * A routing change to every connected agent: `patch` to agents that apply patches, the whole
   * table (`whole`, built only if one is needed) to older ones. Each frame is encoded once, not
   * once per agent: with 1,000 agents, encoding the table for each was most of a push's cost.
   */
  broadcastRoutes(patch: MasterToAgent, whole: () => MasterToAgent): void {
    const frames = new Map<boolean, { msg: MasterToAgent; encoded: string }>();
    for (const [agentId, link] of this.links) {
      const patched = this.takesPatches.has(agentId);
      let frame = frames.get(patched);
      if (!frame) {
        const msg = patched ? patch : whole();
        frame = { msg, encoded: JSON.stringify(msg) };
        frames.set(patched, frame);
      }
      if (link.sendEncoded) link.sendEncoded(frame.msg, frame.encoded);
      else link.send(frame.msg);
    }
  }

  readLog(
    agentId: string,
    taskId: string,
    stream: LogStream,
    tail?: number,
    timeoutMs = 10_000,
  ): Promise<string> {
    const requestId = this.ids.uuid();
    return new Promise<string>((resolve, reject) => {
      const cancel = this.clock.setTimer(timeoutMs, () => {
        this.pending.delete(requestId);
        reject(new DroverError('UNAVAILABLE', `agent ${agentId} did not answer the log request`));
      });
      this.pending.set(requestId, { resolve, reject, cancel });
      const sent = this.send(agentId, {
        type: 'readLog',
        requestId,
        taskId,
        stream,
        ...(tail !== undefined ? { tail } : {}),
      });
      if (!sent) this.settleLog(requestId, undefined, `agent ${agentId} is not connected`);
    });
  }

  closeAll(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.reconciled.clear();
    this.takesPatches.clear();
    this.lastTable = undefined;
  }

  private settleLog(requestId: string, data: string | undefined, error: string | undefined): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    p.cancel();
    if (error !== undefined) p.reject(new DroverError('UNAVAILABLE', error));
    else p.resolve(data ?? '');
  }
}
