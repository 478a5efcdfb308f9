/**
 * Composition root for `drover master`: one master process of a multi-host cluster. State lives
 * in the store `--store` names (PostgreSQL URL, shared by every master; or a SQLite file for a
 * single master), agents dial in over WebSocket on the API's own port (`/agent/v1`, same TLS),
 * and the API answers only with credentials when it is reachable from other machines.
 *
 * On PostgreSQL several masters share the store: each starts as a standby and campaigns for the
 * leader lease (control-plane/leadership/); only the leader runs the loops, with writes fenced by
 * its term; standbys redirect agents (`redirect`) and proxy the API (api/leader-proxy.ts). On
 * SQLite the one master leads from the start.
 */

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { ApiAuth } from '../api/auth.js';
import { installLeaderGate } from '../api/leader-proxy.js';
import { DEFAULT_AGENT_TIMEOUT_MS } from '../control-plane/agents/agent-loss.js';
import { attachAgentServer } from '../control-plane/agents/ws-agent-server.js';
import type { OwnerNotifyConfig } from '../control-plane/jobs/owner-notifications.js';
import { LeaseElection, SoleLeader } from '../control-plane/leadership/election.js';
import { MasterNode } from '../control-plane/leadership/master-node.js';
import { AGENT_PATH } from '../domain/agent-endpoint.js';
import { DroverError } from '../domain/errors.js';
import { DEFAULT_KILL_DRAIN_MS } from '../domain/kill-timing.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger, type LogFormat } from '../platform/logger.js';
import { leaseFence } from '../store/fenced-store.js';
import type { LeaderLease } from '../store/lease-port.js';
import type { Store } from '../store/port.js';
import { createPostgresLease } from '../store/postgres/postgres-lease.js';
import {
  createPostgresLeaseKeeper,
  type PostgresLeaseKeeper,
} from '../store/postgres/postgres-lease-keeper.js';
import { createPostgresStore, isPostgresUrl } from '../store/postgres/postgres-store.js';
import { fileQueryLog } from '../store/sql/query-log.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { openApiAccess, openSecretVault } from './api-access.js';
import { startDns } from './dns-setup.js';
import { leaderCa } from './leader-ca.js';
import { listenApi } from './listen.js';
import { masterApiServer } from './master-api-server.js';
import { waitForSignal } from './signals.js';

export interface MasterConfig {
  /** `postgres://...` or a SQLite file path. */
  store: string;
  host: string;
  port: number;
  agentToken?: string;
  auth: ApiAuth;
  /** Users and tokens with roles (`--auth-file`), reread on SIGHUP. */
  authFile?: string;
  /** Days audit log entries are kept. Default 90. */
  auditRetentionDays?: number;
  /** The key that seals secrets at rest (`--secret-key-file`); without it, no secrets. */
  secretKeyFile?: string;
  tls?: { cert: string; key: string };
  /**
   * PEM CA bundle a standby trusts when it proxies API calls to an https:// leader (`--tls-ca`).
   * Default: this master's own certificate (masters that share one certificate).
   */
  tlsCa?: string;
  insecure: boolean;
  logLevel: string;
  /** Pretty coloured lines or JSON lines (default JSON); `logColor` false drops the colours. */
  logFormat?: LogFormat;
  logColor?: boolean;
  /** Agent connections silent for this long (no pong) are dropped. Default: a third of the agent timeout, at most 5 s. */
  agentPingIntervalMs?: number;
  /** Address other masters and agents reach this one on (published in the lease). Default --host. */
  advertise?: string;
  /** An agent cut off (link down, no heartbeat) this long is lost. Default 10 s. */
  agentTimeoutMs?: number;
  /** Time a new leader gives agents to find it before counting any as lost. Default 2 x agent timeout. */
  reregistrationGraceMs?: number;
  /** Leader lease length (PostgreSQL stores). Default 2000 ms. */
  leaseMs?: number;
  /** Global job webhook (`--job-webhook`), besides each job's own `webhookUrl`. */
  jobWebhook?: string;
  /** Job owners' notifications (`--mail-server`, `--mail-from`, `--slack-webhook-url`, `--mattermost-webhook-url`). */
  jobNotify?: OwnerNotifyConfig;
  /** `--dns-port`: where the DNS server answers; default off. */
  dns?: { host: string; port: number } | 'off';
  /** Drain before SIGTERM for apps without the DROVER_KILL_DRAIN_MS label. Default DEFAULT_KILL_DRAIN_MS. */
  killDrainMs?: number;
  /** `--route-ack-timeout-ms`: a kill's wait for the routers (control-plane/agents/route-push.ts). */
  routeAckTimeoutMs?: number;
}

/**
 * V8 lets the old generation grow to up to ~4x what the last full collection kept before it
 * collects again: a master with 100,000 tasks kept 325 MB live and ran at 1.25 GB RSS; at 1.5x it
 * stayed at 820 MB (BENCHMARKS.md, scale simulation round 4), for more frequent full collections.
 * V8 reads this at every collection, so setting it here (only `drover master`) takes effect.
 */
const MASTER_HEAP_GROWING_PERCENT = 50;

export async function runMaster(cfg: MasterConfig): Promise<number> {
  setFlagsFromString(`--heap-growing-percent=${MASTER_HEAP_GROWING_PERCENT}`);
  const access = openApiAccess(cfg, { hasAgentToken: cfg.agentToken !== undefined });
  if ('problem' in access) {
    console.error(`drover master: ${access.problem}`);
    return 2;
  }
  const logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat, colorize: cfg.logColor });
  const stopReloads = access.watchReloads(logger);
  if (cfg.agentToken === undefined)
    logger.warn('no --agent-token: any agent that can reach this master may join');
  if (cfg.insecure) logger.warn('--insecure: running without the credentials a network-facing master needs');

  let store: Store;
  try {
    store = await openStore(cfg.store, (err) => logger.error({ err }, 'store connection error'));
  } catch (err) {
    console.error(`drover master: cannot open store ${redactUrl(cfg.store)}: ${(err as Error).message}`);
    return 1;
  }
  const vault = openSecretVault(cfg.secretKeyFile, store);
  if (vault && 'problem' in vault) {
    await store.close();
    console.error(`drover master: ${vault.problem}`);
    return 2;
  }
  // The API is built before the node: the node needs the port the API listens on (--port 0).
  let node: MasterNode | undefined;
  let lease: LeaderLease | undefined;
  let keeper: PostgresLeaseKeeper | undefined;
  const { api, events, master, registry } = masterApiServer(
    { node: () => node, logger, auth: access.auth, store, secrets: vault },
    cfg,
  );
  let selfUrl = '';
  installLeaderGate(
    api,
    {
      leads: () => node?.master !== undefined,
      leaderUrl: () => node?.leaderUrl(),
      get selfUrl() {
        return selfUrl;
      },
      abdicate: async () => {
        if (!node) throw new DroverError('NOT_LEADER', 'This master is starting');
        await node.abdicate();
      },
    },
    { logger, ...leaderCa(cfg) },
  );
  const agentTimeoutMs = cfg.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  const agents = attachAgentServer({
    server: api.server,
    token: cfg.agentToken,
    logger,
    onLink: (link) => (node ? node.connectAgent(link) : link.close()),
    // A cut-off agent's link must be found dead well within the agent timeout: a silent link is
    // dropped 2-3 intervals after its last frame (platform/ws-keepalive.ts).
    pingIntervalMs: cfg.agentPingIntervalMs ?? Math.min(5_000, Math.max(250, Math.floor(agentTimeoutMs / 4))),
  });

  const listened = await listenApi(api, { host: cfg.host, port: cfg.port }, logger);
  if ('error' in listened) {
    await shutdown();
    console.error(`drover master: ${listened.error}`);
    return 1;
  }
  const { port } = listened;
  const secure = cfg.tls !== undefined;
  const advertise = cfg.advertise ?? cfg.host;
  const host = advertise.includes(':') ? `[${advertise}]` : advertise;
  selfUrl = `${secure ? 'https' : 'http'}://${host}:${port}`;
  const shared = isPostgresUrl(cfg.store);
  const holder = `${advertise}:${port}/${systemIds.uuid().slice(0, 8)}`;
  lease = shared ? createPostgresLease({ url: cfg.store }) : undefined;
  // A held lease is renewed from a worker thread, so a stalled event loop does not lose it.
  keeper = shared ? createPostgresLeaseKeeper({ url: cfg.store }) : undefined;
  await keeper?.ready();
  node = new MasterNode({
    deps: {
      clock: systemClock,
      ids: systemIds,
      random: systemRandom,
      logger,
      ...(vault ? { secrets: vault } : {}),
      http: { host: advertise, port, https: secure },
      ha: shared,
      agentTimeoutMs,
      killDrainMs: cfg.killDrainMs ?? DEFAULT_KILL_DRAIN_MS,
      ...(cfg.routeAckTimeoutMs !== undefined ? { routeAckTimeoutMs: cfg.routeAckTimeoutMs } : {}),
      jobs: {
        metricsRegistry: registry,
        ...(cfg.jobWebhook ? { webhookUrl: cfg.jobWebhook } : {}),
        ...(cfg.jobNotify ? { notify: cfg.jobNotify } : {}),
      },
      ...(cfg.reregistrationGraceMs !== undefined
        ? { reregistrationGraceMs: cfg.reregistrationGraceMs }
        : {}),
    },
    store,
    events,
    selfUrl,
    election: lease
      ? new LeaseElection({
          lease,
          holder,
          address: selfUrl,
          clock: systemClock,
          logger,
          ...(cfg.leaseMs !== undefined ? { leaseMs: cfg.leaseMs } : {}),
          ...(keeper ? { keeper } : {}),
        })
      : new SoleLeader(selfUrl),
    ...(lease ? { fence: (term: number) => leaseFence(holder, term) } : {}),
    // A standby keeps state loaded, so a takeover loads only what changed (warm-standby.ts).
    ...(lease ? { warmStandby: {} } : {}),
  });
  node.start();
  // Ready means ready to answer: leading with state loaded, or knowing the leader to proxy to.
  await node.settled();
  console.log(
    `drover master: API on ${selfUrl}; ` +
      `agents on ${secure ? 'wss' : 'ws'}://${host}:${port}${AGENT_PATH}; store ${storeKind(cfg.store)}; ` +
      (shared ? `leader election on the store as ${holder}` : 'sole leader'),
  );
  console.log(`drover master: web UI on ${selfUrl}/ui/`);
  // Every master answers; a standby's answers are SERVFAIL, so resolvers move on to the leader.
  const dns = await startDns(cfg.dns, master, logger, 'drover master');

  await waitForSignal(logger);
  await shutdown();
  return 0;

  async function shutdown(): Promise<void> {
    await dns?.close();
    stopReloads();
    // Agents keep their tasks running: they reconnect to this master or another one. Stopping the
    // node releases the lease, so a standby takes over without waiting for it to run out.
    await node?.stop();
    await agents.close();
    await api.close();
    await lease?.close();
    await keeper?.close();
    await store.close();
  }
}

async function openStore(spec: string, onConnectionError: (err: Error) => void): Promise<Store> {
  // Profiling aid: one JSON line per statement, with its duration (protocol-placement bench).
  const logFile = process.env['DROVER_STORE_QUERY_LOG'];
  const queryLog = logFile ? { queryLog: fileQueryLog(logFile) } : {};
  if (isPostgresUrl(spec)) return createPostgresStore({ url: spec, onConnectionError, ...queryLog });
  if (spec === ':memory:') return createSqliteStore({ path: spec, ...queryLog });
  const path = resolve(spec);
  mkdirSync(dirname(path), { recursive: true });
  return createSqliteStore({ path, ...queryLog });
}

function storeKind(spec: string): string {
  return isPostgresUrl(spec) ? `postgres ${redactUrl(spec)}` : `sqlite ${resolve(spec)}`;
}

function redactUrl(spec: string): string {
  if (!isPostgresUrl(spec)) return spec;
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}
