/**
 * The simulated agent, one for every bench and sim that needs agents over the real protocol
 * (bench/protocol-placement, ui-apps, ui-events; test/sim/scale-run.ts and through it
 * bench/scale-sim): a real authenticated WebSocket to a real `drover master`'s agent endpoint,
 * speaking the real protocol. It runs no router, so routing frames (the whole table at
 * registration, a patch per change) are recognised by their first bytes and not decoded: with
 * thousands of agents per process, parsing every patch once per agent made the simulator, not
 * the master, the bottleneck (the master's frames then queued in its memory). It registers with
 * `compressedFrames`, as the agent does, and leaves binary frames undecoded too: the master
 * compresses only the frames it encodes once for many agents, the routing ones
 * (control-plane/agents/ws-master-link.ts). Every other frame
 * is checked against the protocol schema as the agent's own link does. It registers (with a rack and a zone), heartbeats, and answers every
 * launch with TASK_STARTING then TASK_RUNNING (every kill with TASK_KILLED), running nothing.
 * Like a real agent it keeps each status update until the master acks it, and when its link
 * drops (a new leadership term closes every link) it dials again and re-registers with its id,
 * its credential (agentSecret) and its running tasks, then re-sends the unacked updates.
 * Thousands fit in one process; sim-agent-fleet.ts spreads more over child processes.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { AgentLink, AgentToMaster, MasterToAgent } from '../../src/domain/agent-protocol.js';
import { PROTOCOL_VERSION } from '../../src/domain/agent-protocol.js';
import { checkMasterToAgent, decodeFrame } from '../../src/domain/agent-protocol-schema.js';
import type { TaskState } from '../../src/domain/task.js';
import { batchTurnWrites } from '../../src/platform/turn-writes.js';

export const SIM_RACKS = 20;
export const SIM_ZONES = 3;

/** What the agents of one run count together (performance.now() times, 0 until it happened). */
export interface SimCounters {
  launches: number;
  runningAcked: number;
  firstLaunchAt: number;
  lastLaunchAt: number;
  /** Stamped when `expectedRunning` RUNNING updates were acknowledged. */
  allRunningAt: number;
  expectedRunning: number;
  /** Every task id a launch was received for, to count a task launched twice. */
  launched: Set<string>;
  duplicateLaunches: number;
}

export function simCounters(expectedRunning = Number.POSITIVE_INFINITY): SimCounters {
  return {
    launches: 0,
    runningAcked: 0,
    firstLaunchAt: 0,
    lastLaunchAt: 0,
    allRunningAt: 0,
    expectedRunning,
    launched: new Set(),
    duplicateLaunches: 0,
  };
}

/** The name, rack and zone of agent `i`: a bench can tell an agent's attributes from its index. */
export function simAgentAttributes(i: number): { hostname: string; rack: string; zone: string } {
  return { hostname: `sim-${i}.sim`, rack: `rack-${i % SIM_RACKS}`, zone: `zone-${i % SIM_ZONES}` };
}

/** Agent `i`'s address; simAgentIndex reverses it (a task's `host` names its agent). */
export function simAgentAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

export function simAgentIndex(address: string): number {
  const [, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return (b << 16) | (c << 8) | d;
}

export interface SimAgentOptions {
  url: string;
  token: string;
  /** Names the agent and gives its address and attributes (simAgentAttributes). */
  index: number;
  /** Shared by the agents of one run; default: this agent's own. */
  counters?: SimCounters;
  resources?: { cpus: number; mem: number; disk: number; ports: Array<[number, number]> };
  /** While `on`, a dropped link is dialled again (default: never). Set it off before closing. */
  redial?: { on: boolean };
}

/** A registered simulated agent: its current link, id, and the tasks it holds (id -> app id). */
export interface SimAgent {
  readonly link: AgentLink;
  readonly agentId: string;
  readonly tasks: Map<string, string>;
  /** Reports a state for one of its tasks, as a real agent's status update (kept until acked). */
  report(taskId: string, state: TaskState, message?: string): void;
  close(): void;
}

type StatusUpdate = Extract<AgentToMaster, { type: 'statusUpdate' }>;

/** `{"type":"routes` opens both routing frames (`routes`, `routesPatch`): the master encodes `type` first. */
const ROUTING_FRAME = Buffer.from('{"type":"routes');

/** An AgentLink over one WebSocket that drops routing frames undecoded (see the header). */
function simLink(url: string, token: string): Promise<AgentLink> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      maxPayload: 64 * 1024 * 1024,
    });
    const handlers: Array<(msg: MasterToAgent) => void> = [];
    const closeHandlers: Array<() => void> = [];
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary || data.subarray(0, ROUTING_FRAME.length).equals(ROUTING_FRAME)) return;
      const checked = decodeFrame(data, isBinary, checkMasterToAgent);
      if (!checked.ok) {
        ws.close(1008, checked.problem.slice(0, 120));
        return;
      }
      for (const h of handlers) h(checked.msg);
    });
    ws.once('error', reject);
    ws.on('error', () => undefined);
    ws.on('close', () => {
      for (const h of closeHandlers) h();
    });
    ws.once('open', () =>
      resolve({
        send: (msg) => {
          if (ws.readyState !== WebSocket.OPEN) return;
          // A launch's STARTING and RUNNING (and every other frame of this turn) in one write.
          batchTurnWrites(ws);
          ws.send(JSON.stringify(msg));
        },
        onMessage: (h) => handlers.push(h),
        onClose: (h) => closeHandlers.push(h),
        close: () => ws.close(1000),
      }),
    );
  });
}

export async function simAgent(o: SimAgentOptions): Promise<SimAgent> {
  const c = o.counters ?? simCounters();
  const i = o.index;
  const a = simAgentAttributes(i);
  let agentId = '';
  let agentSecret: string | undefined;
  const tasks = new Map<string, string>();
  const pending = new Map<string, StatusUpdate>();
  const runningUpdates = new Set<string>();
  let current: AgentLink | undefined;

  const report = (taskId: string, state: TaskState, message?: string): void => {
    const u: StatusUpdate = {
      type: 'statusUpdate',
      updateId: randomUUID(),
      agentId,
      taskId,
      appId: tasks.get(taskId) ?? '',
      state,
      timestamp: Date.now(),
      ...(message !== undefined ? { message } : {}),
    };
    if (state === 'TASK_RUNNING') runningUpdates.add(u.updateId);
    pending.set(u.updateId, u);
    current?.send(u);
  };

  const onMessage = (msg: MasterToAgent): void => {
    switch (msg.type) {
      case 'launch': {
        const now = performance.now();
        c.launches += 1;
        if (c.firstLaunchAt === 0) c.firstLaunchAt = now;
        c.lastLaunchAt = now;
        const { taskId, appId } = msg.task;
        if (c.launched.has(taskId)) c.duplicateLaunches += 1;
        c.launched.add(taskId);
        tasks.set(taskId, appId);
        report(taskId, 'TASK_STARTING');
        report(taskId, 'TASK_RUNNING');
        return;
      }
      case 'ack':
        pending.delete(msg.updateId);
        if (runningUpdates.delete(msg.updateId)) {
          c.runningAcked += 1;
          if (c.runningAcked === c.expectedRunning) c.allRunningAt = performance.now();
        }
        return;
      case 'kill':
        report(msg.taskId, 'TASK_KILLED');
        tasks.delete(msg.taskId);
        return;
      default:
        return;
    }
  };

  const connect = async (): Promise<void> => {
    const link = await simLink(o.url, o.token);
    current = link;
    let heartbeat: NodeJS.Timeout | undefined;
    const registered = new Promise<void>((resolve, reject) => {
      link.onMessage((msg) => {
        if (msg.type === 'registered') {
          agentId = msg.agentId;
          agentSecret = msg.agentSecret ?? agentSecret;
          heartbeat = setInterval(() => link.send({ type: 'heartbeat', agentId }), 5_000);
          heartbeat.unref();
          for (const u of pending.values()) link.send({ ...u, agentId });
          resolve();
        } else if (msg.type === 'refused') reject(new Error(msg.reason));
        else onMessage(msg);
      });
    });
    link.onClose(() => {
      clearInterval(heartbeat);
      if (o.redial?.on) setTimeout(() => void connect().catch(() => undefined), 250 + (i % 100) * 10);
    });
    link.send({
      type: 'register',
      protocolVersion: PROTOCOL_VERSION,
      ...(agentId !== '' ? { agentId } : {}),
      ...(agentSecret !== undefined ? { agentSecret } : {}),
      hostname: a.hostname,
      address: simAgentAddress(i),
      resources: o.resources ?? { cpus: 64, mem: 262_144, disk: 1_000_000, ports: [[31_000, 32_000]] },
      attributes: { rack: a.rack, zone: a.zone },
      capabilities: { docker: false },
      runningTasks: [...tasks].map(([taskId, appId]) => ({ taskId, appId, state: 'TASK_RUNNING' as const })),
      // It routes nothing: patches cost the master one small frame per change, whole tables would
      // cost the table per agent per change (and this process a parse of each).
      routePatches: true,
      compressedFrames: true,
    });
    await registered;
  };
  await connect();
  return {
    get link() {
      return current!;
    },
    get agentId() {
      return agentId;
    },
    tasks,
    report,
    close: () => current?.close(),
  };
}

/**
 * Connects agents `from` .. `from + count - 1`, `concurrency` dialling at a time; `connected`
 * hears each one registered.
 */
export async function simAgents(
  count: number,
  o: Omit<SimAgentOptions, 'index'> & { from?: number; connected?: (a: SimAgent) => void },
  concurrency = 50,
): Promise<SimAgent[]> {
  const agents: SimAgent[] = [];
  const from = o.from ?? 0;
  for (let i = 0; i < count; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - i) }, (_, k) =>
      simAgent({ ...o, index: from + i + k }).then((a) => {
        o.connected?.(a);
        return a;
      }),
    );
    agents.push(...(await Promise.all(batch)));
  }
  return agents;
}

/** Polls `cond` every 5 ms until it holds; throws after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
