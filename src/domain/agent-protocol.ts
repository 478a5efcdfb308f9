/**
 * The agent protocol (DESIGN.md §2). These are the network message types: inside `drover up`
 * they travel over an in-memory link, between machines as JSON over WebSocket. Keep them plain
 * JSON (no Dates, no Maps, no undefined-sensitive semantics).
 */
import type { AgentCapabilities, Resources } from './agent.js';
import type { Container, FetchUri, HealthCheck, NetworkSpec, ReadinessCheck } from './app.js';
import type { HealthCheckResult, ReadinessCheckResult, TaskState } from './task.js';

export const PROTOCOL_VERSION = 1;

/**
 * `reason` of the TASK_KILLING and TASK_KILLED updates of a task the agent killed because it failed
 * `maxConsecutiveFailures` health checks in a row. Mesos has no reason for this (its executor only
 * sets `healthy: false`), but the master must tell such a kill from one it asked for: it counts
 * as a failure for the launch backoff and is announced as an unhealthy_instance_kill_event.
 */
export const UNHEALTHY_KILL_REASON = 'REASON_TASK_HEALTH_CHECK_FAILED';

/** Everything an agent needs to run one task. The master fills env, ports and resources. */
export interface TaskSpec {
  taskId: string;
  /** App id, or `/chronos/<job>` for job runs. */
  appId: string;
  version: string;
  /** `shell` runs `/bin/sh -c value`; `exec` runs argv directly. */
  command: { shell: true; value: string } | { shell: false; argv: string[] } | { shell: false; argv: [] };
  /** Environment without MESOS_SANDBOX, which only the agent knows. */
  env: Record<string, string>;
  /**
   * Variables whose values are secrets, read by the master for this launch only. The agent adds
   * them to the task's environment and never writes them down (not in checkpoints, not in logs);
   * the master never stores them with the task.
   */
  secretEnv?: Record<string, string>;
  /**
   * Secret files, by `containerPath` (the app's secret volumes): value as the env's. The agent
   * writes them into the sandbox (mode 0400) before the task starts and removes them when it ends.
   */
  secretFiles?: Record<string, string>;
  /** Host ports allocated on this agent, in portDefinitions order. */
  ports: number[];
  resources: { cpus: number; mem: number; disk: number };
  killGracePeriodMs: number;
  fetch: FetchUri[];
  container?: Container;
  /**
   * The app's networks (`host`, `container/bridge`, `container` with a name), for container
   * executors. Absent from older masters: then `container.docker.network` decides, else host.
   */
  networks?: NetworkSpec[];
  healthChecks: HealthCheck[];
  readinessChecks: ReadinessCheck[];
  /** Named ports, for readiness checks' portName. */
  portNames: Array<string | undefined>;
  labels: Record<string, string>;
  /**
   * Who the task runs as: Chronos's `runAsUser`, Marathon's `user`. Absent: the agent's own user.
   * Process tasks only, and only on an agent that switches users (Mesos' `--switch_user`); a
   * DOCKER task runs as its image's USER (or `docker.parameters` `user`), as under Mesos.
   */
  user?: string;
}

export interface RunningTaskReport {
  taskId: string;
  appId: string;
  state: TaskState;
}

export type AgentToMaster =
  | {
      type: 'register';
      protocolVersion: number;
      /** Present when re-registering after a restart or reconnect. */
      agentId?: string;
      /**
       * The agent's own credential, issued by the master at its first registration
       * (`registered.agentSecret`): proves a re-registration is the agent itself.
       */
      agentSecret?: string;
      hostname: string;
      address: string;
      resources: Resources;
      attributes: Record<string, string>;
      capabilities: AgentCapabilities;
      runningTasks: RunningTaskReport[];
      /**
       * The agent applies `routesPatch` messages. Agents without it (older ones) get the whole
       * table on every change, as before.
       */
      routePatches?: boolean;
      /**
       * The agent reads binary frames as raw-deflate compressed JSON messages
       * (agent-protocol-schema.ts decodeFrame). The master compresses only the routing frames it
       * sends to many agents at once, encoded and compressed once for all of them.
       */
      compressedFrames?: boolean;
    }
  | { type: 'heartbeat'; agentId: string }
  | {
      type: 'statusUpdate';
      /** Unique per update; the master acks it and the agent re-sends until acked. */
      updateId: string;
      agentId: string;
      taskId: string;
      appId: string;
      state: TaskState;
      /** Epoch ms on the agent. */
      timestamp: number;
      reason?: string;
      message?: string;
      exitCode?: number;
      /**
       * Health and readiness travel on the task's updates, but only when they change (a verdict
       * flips, a check fails, the first success): a steady healthy task costs no traffic. Every
       * update after the first result carries the whole current picture, one result per check.
       * Undefined: no health checks (or not yet known).
       */
      healthy?: boolean;
      healthCheckResults?: HealthCheckResult[];
      /** All readiness checks passed; undefined: none defined (or none answered yet). */
      ready?: boolean;
      readinessCheckResults?: ReadinessCheckResult[];
    }
  | LogResponse
  /**
   * The agent's router could not bind these service ports (another process holds them); sent
   * whenever the set changes and after each registration. Empty: every route is bound.
   */
  | { type: 'routeStatus'; agentId: string; failures: RouteBindFailure[] }
  /**
   * The agent's router took the routing table `version` (it sends no new connection to a task
   * that table left out). The master waits for this, boundedly, before it lets a kill proceed.
   */
  | { type: 'routesApplied'; agentId: string; version: number };

export type MasterToAgent =
  /** `agentSecret` only when the master issues a new credential, which the agent must keep. */
  | { type: 'registered'; agentId: string; agentSecret?: string }
  | { type: 'refused'; reason: string }
  | { type: 'launch'; task: TaskSpec }
  /**
   * `gracePeriodMs` runs from SIGTERM to SIGKILL; `drainMs` (absent: none) is how long the task
   * stays TASK_KILLING, still running, before SIGTERM (domain/kill-timing.ts).
   */
  | { type: 'kill'; taskId: string; gracePeriodMs: number; drainMs?: number }
  | { type: 'ack'; updateId: string }
  /**
   * From a standby master: it does not lead, the agent should dial `leader` instead. `leader` is
   * the leader's agent endpoint URL (`wss://host:port/agent/v1`), or `host:port` meaning the same
   * scheme and path as the URL the agent dialled. The link closes after it.
   */
  | { type: 'redirect'; leader: string }
  | LogRequest
  /**
   * The whole routing table, pushed whenever it changes, on registration, and before any kill of
   * a routed task (so the router stops sending it connections before it is told to stop).
   */
  | {
      type: 'routes';
      table: RouteTable;
      /** Increases with every change, also across leader changes (route-push.ts); absent from older masters. */
      version?: number;
    }
  /**
   * What changed from table `from` to table `version` (routing/route-patch.ts), to agents that
   * said `routePatches` at registration: after the whole table they get only these, so a change
   * costs its own size per agent, not the table's. A patch whose `from` is not the table the
   * agent holds is ignored (it can only come before the agent's first whole table).
   */
  | { type: 'routesPatch'; patch: RoutePatch; from: number; version: number };

/** How a router reaches one task: the task's host and its host port for the route's port index. */
export interface RouteBackend {
  taskId: string;
  host: string;
  port: number;
}

/** One service port of one app and where its connections go (routing/routing-table.ts). */
export interface Route {
  appId: string;
  /** The app's service port (`portDefinitions[i].port` / `portMappings[i].servicePort`). */
  servicePort: number;
  portIndex: number;
  /** `http`: the app's label DROVER_ROUTER_MODE=http; served on the shared HTTP port too. */
  mode: 'tcp' | 'http';
  /** HTTP mode: virtual hosts (lower case) and path prefixes this port answers on the HTTP port. */
  vhosts: string[];
  paths: string[];
  /** Running, healthy and ready tasks, in task id order. Empty: connections are refused. */
  backends: RouteBackend[];
}

export interface RouteTable {
  /** Routes sorted by service port. */
  routes: Route[];
}

export interface RouteBackendChange {
  servicePort: number;
  /** Backends new on this route (or whose host/port changed). */
  added: RouteBackend[];
  /** Task ids no longer (or no longer so) on this route. */
  removed: string[];
}

export interface RoutePatch {
  /** Service ports whose route is gone. */
  removed: number[];
  /** Routes that are new or changed in anything besides their backends, whole. */
  routes: Route[];
  /** Backend changes of routes otherwise unchanged. */
  backends: RouteBackendChange[];
}

export interface RouteBindFailure {
  servicePort: number;
  appId: string;
  /** The address the router tried to bind. */
  address: string;
  error: string;
  /** Epoch ms of the first failed attempt. */
  since: number;
}

/**
 * One end of an agent <-> master connection. The in-memory pair and the WebSocket link both
 * implement it; neither side knows which it has.
 */
export interface Link<Out, In> {
  send(msg: Out): void;
  /**
   * `send` with the frame already encoded (`JSON.stringify(msg)`): a broadcast to every agent
   * encodes once, not once per agent.
   */
  sendEncoded?(msg: Out, encoded: string): void;
  onMessage(handler: (msg: In) => void): void;
  onClose(handler: () => void): void;
  close(): void;
}

export type AgentLink = Link<AgentToMaster, MasterToAgent>;
export type MasterLink = Link<MasterToAgent, AgentToMaster>;

/** Task log reads travel over the same link, so they work for remote agents too. */
export type LogStream = 'stdout' | 'stderr';
export interface LogRequest {
  type: 'readLog';
  requestId: string;
  taskId: string;
  stream: LogStream;
  /** Last N lines; undefined = whole file (capped by the agent). */
  tail?: number;
}
export interface LogResponse {
  type: 'logData';
  requestId: string;
  data?: string;
  error?: string;
}
