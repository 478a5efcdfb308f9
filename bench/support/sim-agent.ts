/**
 * A simulated agent for benches: a real WebSocket link to a real `drover master` with the agent's
 * own dialler (src/agent/ws-link.ts), that registers, heartbeats and answers every launch with
 * TASK_STARTING then TASK_RUNNING (and every kill with TASK_KILLED), running nothing. Thousands fit
 * in one process, so a bench can put a cluster's worth of tasks in the master's store.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { dialMaster } from '../../src/agent/ws-link.js';
import type { AgentLink, MasterToAgent } from '../../src/domain/agent-protocol.js';
import { PROTOCOL_VERSION } from '../../src/domain/agent-protocol.js';
import type { TaskState } from '../../src/domain/task.js';
import { silentLogger } from '../../src/platform/logger.js';

/** What the agents of one bench count together (performance.now() times, 0 until it happened). */
export interface SimCounters {
  launches: number;
  runningAcked: number;
  firstLaunchAt: number;
  lastLaunchAt: number;
  allRunningAt: number;
}

export function simCounters(): SimCounters {
  return { launches: 0, runningAcked: 0, firstLaunchAt: 0, lastLaunchAt: 0, allRunningAt: 0 };
}

export interface SimAgentOptions {
  url: string;
  token: string;
  /** Names the agent (`sim-<i>.bench`) and its address. */
  index: number;
  counters: SimCounters;
  /** `allRunningAt` is stamped when this many RUNNING updates were acknowledged. */
  expectedRunning: number;
  resources?: { cpus: number; mem: number; disk: number; ports: Array<[number, number]> };
}

/** A registered simulated agent: its link, id, and the tasks it holds (id -> app id). */
export interface SimAgent {
  link: AgentLink;
  agentId: string;
  tasks: Map<string, string>;
  /** Reports a state for one of its tasks, as a real agent's status update. */
  report(taskId: string, state: TaskState, message?: string): void;
}

export async function simAgent(o: SimAgentOptions): Promise<SimAgent> {
  const c = o.counters;
  const link = await dialMaster({ url: o.url, token: o.token, logger: silentLogger(), pingIntervalMs: 0 });
  const runningUpdates = new Set<string>();
  const tasks = new Map<string, string>();
  let agentId = '';
  let heartbeat: NodeJS.Timeout | undefined;
  const report = (taskId: string, state: TaskState, message?: string): string => {
    const updateId = randomUUID();
    link.send({
      type: 'statusUpdate',
      updateId,
      agentId,
      taskId,
      appId: tasks.get(taskId) ?? '',
      state,
      timestamp: Date.now(),
      ...(message !== undefined ? { message } : {}),
    });
    return updateId;
  };
  const registered = new Promise<void>((resolve, reject) => {
    link.onMessage((msg: MasterToAgent) => {
      switch (msg.type) {
        case 'registered':
          agentId = msg.agentId;
          heartbeat = setInterval(() => link.send({ type: 'heartbeat', agentId }), 5_000);
          heartbeat.unref();
          resolve();
          return;
        case 'refused':
          reject(new Error(msg.reason));
          return;
        case 'launch': {
          const now = performance.now();
          c.launches += 1;
          if (c.firstLaunchAt === 0) c.firstLaunchAt = now;
          c.lastLaunchAt = now;
          tasks.set(msg.task.taskId, msg.task.appId);
          report(msg.task.taskId, 'TASK_STARTING');
          runningUpdates.add(report(msg.task.taskId, 'TASK_RUNNING'));
          return;
        }
        case 'ack':
          if (runningUpdates.delete(msg.updateId)) {
            c.runningAcked += 1;
            if (c.runningAcked === o.expectedRunning) c.allRunningAt = performance.now();
          }
          return;
        case 'kill':
          report(msg.taskId, 'TASK_KILLED');
          tasks.delete(msg.taskId);
          return;
        default:
          return;
      }
    });
  });
  link.onClose(() => clearInterval(heartbeat));
  const i = o.index;
  link.send({
    type: 'register',
    protocolVersion: PROTOCOL_VERSION,
    hostname: `sim-${i}.bench`,
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    resources: o.resources ?? { cpus: 16, mem: 65_536, disk: 100_000, ports: [[31_000, 32_000]] },
    attributes: { rack: `rack-${i % 20}` },
    capabilities: { docker: false },
    runningTasks: [],
    // It routes nothing: patches cost the master one small frame per change, whole tables would
    // cost the table per agent per change (and this process a parse of each).
    routePatches: true,
  });
  await registered;
  return {
    link,
    get agentId() {
      return agentId;
    },
    tasks,
    report: (taskId, state, message) => {
      report(taskId, state, message);
    },
  };
}

/** Connects `count` simulated agents, `concurrency` dialling at a time. */
export async function simAgents(
  count: number,
  o: Omit<SimAgentOptions, 'index'>,
  concurrency = 50,
): Promise<SimAgent[]> {
  const agents: SimAgent[] = [];
  for (let i = 0; i < count; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - i) }, (_, k) =>
      simAgent({ ...o, index: i + k }),
    );
    agents.push(...(await Promise.all(batch)));
  }
  return agents;
}

/** Polls `cond` every 5 ms until it holds; throws after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
