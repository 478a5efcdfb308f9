import type { AgentToMaster } from '../domain/agent-protocol.js';
import type { TaskRecord, TaskState } from '../domain/task.js';
import type { Clock } from '../platform/clock.js';
import type { Ids, Random } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import type { Store } from '../store/port.js';
import type { AgentHub } from './agents/agent-hub.js';
import type { RoutePush } from './agents/route-push.js';
import type { DeploymentsState } from './deployments/deployments-state.js';
import type { EventBus } from './events/event-bus.js';
import type { MasterState } from './master-state.js';

export interface MasterDeps {
  store: Store;
  /** Reads secret values for a launch (control-plane/secrets/secret-vault.ts); absent: secrets are off. */
  secrets?: { valuesFor(sources: Record<string, string>): Promise<Record<string, string>> };
  clock: Clock;
  ids: Ids;
  random: Random;
  logger: Logger;
  /** Where the API listens, for /v2/info and /v2/leader; `https` when it serves TLS. */
  http: { host: string; port: number; https?: boolean };
  /** Several masters share the store (PostgreSQL), for /v2/info `marathon_config.ha`. */
  ha?: boolean;
  /** Periodic reconcile pass, besides the ones triggered by changes. Default 1000 ms. */
  reconcileIntervalMs?: number;
  /** Kill grace when an app sets none (Marathon: 3 s via Mesos' default). */
  defaultKillGraceMs?: number;
  /**
   * Drain before SIGTERM when an app has no DROVER_KILL_DRAIN_MS label (domain/kill-timing.ts).
   * Default 0, so tests and embedders kill at once; `drover master` / `drover up` pass
   * DEFAULT_KILL_DRAIN_MS unless `--kill-drain-ms` says otherwise.
   */
  killDrainMs?: number;
  /**
   * How long a kill waits at most for every router to take the table without the task
   * (agents/route-push.ts). Default DEFAULT_ROUTE_ACK_TIMEOUT_MS.
   */
  routeAckTimeoutMs?: number;
  /**
   * An agent silent (no heartbeat) this long is lost: its tasks become TASK_UNREACHABLE
   * (agent-loss.ts). Default 10 s.
   */
  agentTimeoutMs?: number;
  /**
   * A new leader gives agents this long to re-register before it counts any as lost (they must
   * notice the old leader is gone and find this one first). Default the larger of 60 s and
   * 2 x agentTimeoutMs (agent-loss.ts).
   */
  reregistrationGraceMs?: number;
  /**
   * A group-committed batch of writes failed and was rolled back while memory may already hold
   * it: the term must end so the next one reloads from the store (MasterNode abdicates).
   */
  onStoreFailure?: (err: unknown) => void;
  /** The event bus to announce on; a master node keeps one across leadership terms. */
  events?: EventBus;
  /** Scheduled jobs (control-plane/jobs/job-runtime.ts JobRuntimeOptions). */
  jobs?: {
    tickMs?: number;
    webhookUrl?: string;
    metricsRegistry?: import('prom-client').Registry;
    /** Owners' e-mail, Slack and Mattermost notifications. */
    notify?: import('./jobs/owner-notifications.js').OwnerNotifyConfig;
  };
}

/** What the master's loops share; passed explicitly instead of living in module singletons. */
export interface MasterContext {
  deps: MasterDeps;
  state: MasterState;
  hub: AgentHub;
  events: EventBus;
  /** Ask for a reconcile pass soon (coalesced). */
  trigger(): void;
  /** Tasks with `jobRun` belong to the job runtime (control-plane/jobs/): their updates go there. */
  jobTasks: JobTaskRouter;
  /** Groups and running deployments; they decide each app's reconcile phase. */
  deployments: DeploymentsState;
  /** Agents' routing tables: refreshed before a kill is sent (route-push.ts). */
  routes: RoutePush;
}

export interface JobTaskRouter {
  statusUpdate(msg: Extract<AgentToMaster, { type: 'statusUpdate' }>, task: TaskRecord): Promise<void>;
  taskGone(task: TaskRecord, finalState: TaskState, message: string): Promise<void>;
}
