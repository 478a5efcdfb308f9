/**
 * Composition root for `drover master`: one master process of a multi-host cluster. State lives
 * in the store `--store` names (PostgreSQL URL, shared by every master; or a SQLite file for a
 * single master), agents dial in over WebSocket on the API's own port (`/agent/v1`, same TLS),
 * and the API answers only with credentials when it is reachable from other machines.
 *
 * Leader election (later) plugs in here: a master starts as standby, campaigns on the store, and
 * only the leader runs the loops; standbys redirect agents (`redirect`) and proxy the API.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type ApiAuth, hasApiCredentials } from '../api/auth.js';
import { buildApiServer } from '../api/server.js';
import { Master } from '../control-plane/master.js';
import { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import { attachAgentServer } from '../control-plane/ws-agent-server.js';
import { AGENT_PATH } from '../domain/agent-endpoint.js';
import { systemClock } from '../platform/clock.js';
import { systemIds, systemRandom } from '../platform/ids.js';
import { createLogger } from '../platform/logger.js';
import type { Store } from '../store/port.js';
import { createPostgresStore, isPostgresUrl } from '../store/postgres/postgres-store.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { exposureProblem } from './master-exposure.js';
import { waitForSignal } from './signals.js';

export interface MasterConfig {
  /** `postgres://...` or a SQLite file path. */
  store: string;
  host: string;
  port: number;
  agentToken?: string;
  auth: ApiAuth;
  tls?: { cert: string; key: string };
  insecure: boolean;
  logLevel: string;
  /** Agent connections silent for this long (no pong) are dropped. Default 5000 ms. */
  agentPingIntervalMs?: number;
}

export async function runMaster(cfg: MasterConfig): Promise<number> {
  const problem = exposureProblem({
    host: cfg.host,
    hasApiCredentials: hasApiCredentials(cfg.auth),
    hasAgentToken: cfg.agentToken !== undefined,
    insecure: cfg.insecure,
  });
  if (problem) {
    console.error(`drover master: ${problem}`);
    return 2;
  }
  const logger = createLogger({ level: cfg.logLevel });
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
  // Filled in once listening, so /v2/info and /v2/leader show the real port even for --port 0.
  const http = { host: cfg.host, port: cfg.port };
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: systemRandom,
    logger,
    http,
  });
  const metrics = new DroverMetrics({ master, clock: systemClock });
  const api = buildApiServer({
    master,
    jobs: master.jobs,
    logger,
    metrics,
    auth: cfg.auth,
    ...(cfg.tls ? { https: cfg.tls } : {}),
  });
  const agents = attachAgentServer({
    server: api.server,
    token: cfg.agentToken,
    logger,
    onLink: (link) => master.connectAgent(link),
    ...(cfg.agentPingIntervalMs !== undefined ? { pingIntervalMs: cfg.agentPingIntervalMs } : {}),
  });
  master.start();

  try {
    await api.listen({ host: cfg.host, port: cfg.port });
  } catch (err) {
    logger.error({ err }, 'cannot listen');
    await shutdown();
    console.error(`drover master: cannot listen on ${cfg.host}:${cfg.port}: ${(err as Error).message}`);
    return 1;
  }
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  http.port = port;
  const secure = cfg.tls !== undefined;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  console.log(
    `drover master: API on ${secure ? 'https' : 'http'}://${host}:${port}; ` +
      `agents on ${secure ? 'wss' : 'ws'}://${host}:${port}${AGENT_PATH}; store ${storeKind(cfg.store)}`,
  );

  await waitForSignal(logger);
  await shutdown();
  return 0;

  async function shutdown(): Promise<void> {
    // Agents keep their tasks running: they reconnect to this master or another one.
    await master.stop();
    await agents.close();
    await api.close();
    await store.close();
  }
}

async function openStore(spec: string, onConnectionError: (err: Error) => void): Promise<Store> {
  if (isPostgresUrl(spec)) return createPostgresStore({ url: spec, onConnectionError });
  if (spec === ':memory:') return createSqliteStore({ path: spec });
  const path = resolve(spec);
  mkdirSync(dirname(path), { recursive: true });
  return createSqliteStore({ path });
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
