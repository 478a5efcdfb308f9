/**
 * The API side of a master process, the same for `drover up` and `drover master`: one event bus
 * every leadership term announces on, the MasterApi and JobsApi that hand each call to whichever
 * term's Master leads now, one metrics registry (the job runtime registers its lateness histogram
 * on it too), the event log, and the API server. Built before the MasterNode, which needs the
 * port the API listens on; both the metrics and the log are on the bus before any agent connects,
 * so they see every event, and they go on across a failover. Marathon's HTTP callback
 * subscribers (`/v2/eventSubscriptions`) are on the same bus; whichever term leads delivers.
 */
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { ApiAuth } from '../api/auth.js';
import { buildApiServer } from '../api/server.js';
import { EventBus } from '../control-plane/events/event-bus.js';
import { EventCallbacks, httpCallbackPost } from '../control-plane/events/event-callbacks.js';
import { attachEventLog } from '../control-plane/events/event-log.js';
import type { JobsApi } from '../control-plane/jobs/jobs-api.js';
import { leaderJobsApi, leaderMasterApi } from '../control-plane/leadership/leader-apis.js';
import type { MasterNode } from '../control-plane/leadership/master-node.js';
import type { MasterApi } from '../control-plane/master-api.js';
import { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import type { SecretVault } from '../control-plane/secrets/secret-vault.js';
import { systemClock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { EventSubscriptionStoreOps } from '../store/event-subscription-port.js';
import type { SecurityStoreOps } from '../store/security-port.js';
import { auditDeps } from './api-access.js';

export interface MasterApiServerOptions {
  /** A getter: the node is built after the API. */
  node: () => MasterNode | undefined;
  logger: Logger;
  auth: ApiAuth;
  /**
   * The process's store (unfenced: API writes run on the leader): the audit log and the
   * `/v2/eventSubscriptions` subscribers are kept there.
   */
  store: Pick<SecurityStoreOps, 'appendAudit' | 'listAudit' | 'pruneAudit'> & EventSubscriptionStoreOps;
  secrets?: SecretVault | undefined;
}

/** The flags `drover up` and `drover master` share for the API: audit retention (default 90 days), TLS. */
export interface MasterApiFlags {
  auditRetentionDays?: number | undefined;
  tls?: { key: string; cert: string } | undefined;
}

export interface MasterApiServer {
  api: FastifyInstance;
  events: EventBus;
  master: MasterApi;
  jobs: JobsApi;
  registry: Registry;
}

export function masterApiServer(opts: MasterApiServerOptions, flags: MasterApiFlags): MasterApiServer {
  const events = new EventBus(() => systemClock.now());
  const master = leaderMasterApi(opts.node, events);
  const jobs = leaderJobsApi(opts.node);
  const registry = new Registry();
  const metrics = new DroverMetrics({ master, clock: systemClock, registry });
  attachEventLog(events, opts.logger);
  const eventCallbacks = new EventCallbacks({
    store: opts.store,
    events,
    clock: systemClock,
    logger: opts.logger,
    post: httpCallbackPost(),
    leads: () => opts.node()?.master !== undefined,
  });
  const api = buildApiServer({
    master,
    jobs,
    eventSubscriptions: eventCallbacks,
    logger: opts.logger,
    metrics,
    auth: opts.auth,
    audit: auditDeps(opts.store, flags.auditRetentionDays, opts.logger),
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(flags.tls ? { https: flags.tls } : {}),
  });
  api.addHook('onClose', (_app, done) => {
    eventCallbacks.close();
    done();
  });
  return { api, events, master, jobs, registry };
}
