/**
 * The HTTP API: Marathon's v2 REST API (plus Drover extensions) over a MasterApi. Built, not
 * started: the composition root calls `listen`, tests call `inject`.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { EventCallbacks } from '../control-plane/events/event-callbacks.js';
import type { JobsApi } from '../control-plane/jobs/jobs-api.js';
import type { MasterApi } from '../control-plane/master-api.js';
import type { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import type { SecretVault } from '../control-plane/secrets/secret-vault.js';
import { type Clock, systemClock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { registerAgentRoutes } from './agents.js';
import { type AuditDeps, registerAudit } from './audit.js';
import { type ApiAuth, installApiAuth } from './auth.js';
import { registerChronosRoutes } from './chronos/chronos-routes.js';
import { refuseEncodedSlashes } from './encoded-slash.js';
import { mapError, routeNotFound } from './error-mapping.js';
import type { EventStreamOptions } from './events/event-stream-hub.js';
import { registerEventSubscriptionRoutes } from './events/event-subscriptions-route.js';
import { installJsonParser } from './json-body.js';
import { registerAppRoutes } from './marathon/apps.js';
import { registerDeploymentRoutes } from './marathon/deployments.js';
import { registerGroupRoutes } from './marathon/groups.js';
import { registerInfoRoutes } from './marathon/info.js';
import { registerQueueRoutes } from './marathon/queue.js';
import type { RouteContext } from './marathon/route-context.js';
import { registerTaskLogRoutes } from './marathon/task-logs.js';
import { registerTaskRoutes } from './marathon/tasks.js';
import { registerObservability } from './observability.js';
import { drainRejectedBody } from './rejected-body.js';
import { registerRouteTableRoutes } from './routes-view.js';
import { installSecretRefCheck, registerSecretRoutes } from './secrets.js';
import { closeLingeringConnections } from './shutdown-grace.js';
import { defaultUiDir, registerWebUi } from './web-ui.js';
import { registerWhoami } from './whoami.js';

/**
 * 4 MiB. Marathon sets no limit of its own below Jetty's; ours bounds memory per request while
 * leaving room for a bulk `PUT /v2/apps` of a few hundred full app definitions (~2-5 KiB each).
 */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
/**
 * A client must send its whole request (headers and body) within 60 s, its headers within 20 s:
 * a body trickled 1 byte every 5 s used to hold a connection and its buffers forever. Responses
 * (the event stream, log reads) are not limited by these.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;

export interface ApiServerDeps {
  master: MasterApi;
  logger?: Logger;
  bodyLimit?: number;
  /** For read-only fields that depend on the time (task life times); defaults to the system clock. */
  clock?: Clock;
  /** Scheduled jobs: Chronos's API under /v1/scheduler and /scheduler (absent: no job routes). */
  jobs?: JobsApi;
  /** The master's metrics, made before the master starts so they count from the first event. */
  metrics?: DroverMetrics;
  /** `/v2/events` tuning (heartbeat interval, write chunk). */
  eventStream?: EventStreamOptions;
  /** HTTP basic and/or bearer tokens; absent: open (bin/master-exposure.ts says when that is allowed). */
  auth?: ApiAuth;
  /** Record mutating calls and serve `GET /v2/audit` (absent: no audit log). */
  audit?: AuditDeps;
  /** The secret store behind `/v2/secrets` (absent: no `--secret-key-file`, secrets are off). */
  secrets?: SecretVault;
  /** Marathon's HTTP callback subscribers behind `/v2/eventSubscriptions` (absent: those routes answer 400). */
  eventSubscriptions?: EventCallbacks;
  /** PEM key and certificate: serve HTTPS (and so wss:// for agents on the same server). */
  https?: { key: string; cert: string };
  /** Time to receive a whole request / its headers (defaults above; tests make them short). */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** The built web UI served at /ui/ (default: dist/ui, see web-ui.ts); null: none. */
  uiDir?: string | null;
}

export function buildApiServer(deps: ApiServerDeps): FastifyInstance {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestTimeout = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(requestTimeout, deps.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS);
  // Node checks these timeouts on an interval (30 s by default): check often enough to honour them.
  const timeouts = {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4))),
  };
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // Per-request logs would drown the master's own; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    requestTimeout,
    http: timeouts,
    ...(deps.https ? { https: { ...deps.https, ...timeouts } } : {}),
    // App ids are paths: `/v2/apps/web/` is `/v2/apps/web`, and deep group ids must fit.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  }) as unknown as FastifyInstance;

  closeLingeringConnections(app);
  installJsonParser(app);
  if (deps.auth) installApiAuth(app, deps.auth);
  refuseEncodedSlashes(app);
  if (deps.audit) registerAudit(app, deps.audit);
  installSecretRefCheck(app, deps.secrets);

  app.setErrorHandler(async (err, req, reply) => {
    const mapped = mapError(err, bodyLimit);
    if (mapped.status === 413) await drainRejectedBody(req.raw);
    if (mapped.unexpected) req.log.error({ err, method: req.method, url: req.url }, 'unexpected API error');
    else req.log.debug({ status: mapped.status, message: mapped.body.message }, 'client error');
    return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const mapped = mapError(routeNotFound(req.method, req.url), bodyLimit);
    return reply.code(mapped.status).send(mapped.body);
  });

  const ctx: RouteContext = { master: deps.master, clock: deps.clock ?? systemClock };
  registerObservability(app, {
    ...ctx,
    logger: deps.logger,
    metrics: deps.metrics,
    eventStream: deps.eventStream,
  });
  const subscriptions = deps.eventSubscriptions;
  registerInfoRoutes(app, ctx, subscriptions ? () => subscriptions.list() : undefined);
  registerWhoami(app);
  registerAppRoutes(app, ctx);
  registerGroupRoutes(app, ctx);
  registerDeploymentRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerTaskLogRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerSecretRoutes(app, deps.secrets, deps.master, deps.jobs);
  registerEventSubscriptionRoutes(app, deps.eventSubscriptions);
  registerRouteTableRoutes(app, ctx);
  if (deps.jobs) registerChronosRoutes(app, { jobs: deps.jobs, secrets: deps.secrets });
  registerWebUi(app, deps.uiDir === undefined ? defaultUiDir() : (deps.uiDir ?? undefined));
  return app;
}
