/**
 * What an agent is built with (the composition roots and the simulation harness fill it in):
 * where it is, what it offers, how it runs, probes, fetches and routes, and how it keeps its
 * sandboxes; and how it stops.
 */
import type { Resources } from '../domain/agent.js';
import type { RouteTable } from '../domain/agent-protocol.js';
import type { Clock } from '../platform/clock.js';
import type { Ids } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import type { Fetcher } from './fetcher/fetcher.js';
import type { Prober } from './health/prober.js';
import type { AgentExecutors } from './task-runner.js';

export interface AgentOptions {
  hostname: string;
  /** Address task ports are reachable on (becomes each task's `host`). */
  address: string;
  resources: Resources;
  attributes: Record<string, string>;
  /** Sandboxes live in `<workDir>/sandboxes/<taskId>/`. */
  workDir: string;
  executors: AgentExecutors;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** An id from an earlier registration, so the master recognises a restarted agent. */
  agentId?: string;
  /** Cap on bytes read per log request. Default 1 MiB. */
  maxLogBytes?: number;
  /**
   * Sandbox hygiene (sandbox-janitor.ts): sandboxes of ended tasks go after `sandboxTtlMs` (7 days
   * by default), or oldest first while all sandboxes pass `sandboxMaxTotalBytes` (0: no
   * threshold); each task's stdout and stderr keep their tail at `taskLogMaxBytes` (0: unbounded).
   * The composition roots always set it; absent (unit tests, simulations on a fake clock): off.
   */
  housekeeping?: { sandboxTtlMs?: number; sandboxMaxTotalBytes?: number; taskLogMaxBytes?: number };
  /** How health and readiness probes reach tasks. Default: over the network (and a shell). */
  prober?: Prober;
  /**
   * A task the master kills stays TASK_KILLING, still running, for the drain the master asks,
   * at most this, before SIGTERM, so routers can stop sending it requests first (kill-drain.ts).
   * Default NO_DRAIN_CAP; `drover agent --kill-drain-ms N` sets it.
   */
  maxKillDrainMs?: number;
  /** Puts tasks' `fetch` entries into their sandboxes (fetcher/fetcher.ts); absent: skipped. */
  fetcher?: Fetcher;
  /**
   * The agent's embedded router (router/tcp-router.ts): it gets every routing table the master
   * pushes. Absent (`--router off`): tables are ignored.
   */
  router?: RouteSink;
}

/** Where the master's routing tables go. */
export interface RouteSink {
  apply(table: RouteTable): void;
  /**
   * Resolves once the last applied table is live, rejects if it could not be made so. Absent:
   * live when apply() returns (the userspace router). The kernel router's rules are live only
   * once iptables-restore returned (router/kernel-router.ts).
   */
  settled?(): Promise<void>;
}

export interface StopOptions {
  /** true: kill every task with its grace period and wait. false: leave tasks running. */
  killTasks: boolean;
}
