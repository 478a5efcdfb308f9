/**
 * Fills a PostgreSQL store with a large cluster for failover benches, outside the timed part:
 * apps created through a real `drover master` (so their definitions are what the API stores),
 * then raised to their instance count in the store, and agents and RUNNING tasks written as
 * multi-row INSERTs into the store's own tables (JSON as the store encodes it). 100,000 single-row
 * puts would take minutes; the rows are the same.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AgentInfo } from '../../src/domain/agent.js';
import type { TaskRecord } from '../../src/domain/task.js';
import { encodeJson } from '../../src/store/json-value.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { StoreDatabase } from '../../src/store/sql/schema.js';
import { ClusterProcess } from '../../test/e2e/support/cluster-process.js';
import { http } from '../../test/e2e/support/http-json.js';

export interface SeedShape {
  apps: number;
  agents: number;
  tasks: number;
}

const ROWS_PER_INSERT = 1_000;
const POST_CONCURRENCY = 8;

export const seedAppId = (i: number) => `/bench/app-${String(i).padStart(5, '0')}`;

export async function seedCluster(url: string, shape: SeedShape): Promise<void> {
  const perApp = Math.ceil(shape.tasks / shape.apps);
  // 1. Apps through the API, with no instances yet: real, normalised definitions.
  const { proc, url: api } = await ClusterProcess.master([
    '--store',
    url,
    '--port',
    '0',
    '--log-level',
    'warn',
  ]);
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: POST_CONCURRENCY }, async () => {
        for (let i = next++; i < shape.apps; i = next++) {
          const body = {
            id: seedAppId(i),
            cmd: 'sleep 3600',
            cpus: 0.01,
            mem: 8,
            instances: 0,
            portDefinitions: [],
          };
          // On a loaded machine the lone master can miss a lease renewal and lead again a moment
          // later: 503 meanwhile; 409 if the POST that got no answer was stored after all.
          for (let attempt = 0; ; attempt++) {
            const r = await http(`${api}/v2/apps`, { method: 'POST', body, timeoutMs: 60_000 }).catch(
              () => undefined,
            );
            if (r?.status === 201 || (r?.status === 409 && attempt > 0)) break;
            if ((r !== undefined && r.status !== 503) || attempt > 100)
              throw new Error(`seed POST ${body.id}: ${r?.status} ${r?.text}`);
            await delay(200);
          }
        }
      }),
    );
  } finally {
    await proc.stop();
  }

  // 2. Instances raised in the store; agents and tasks as multi-row inserts.
  const store = await createPostgresStore({ url, poolSize: 2 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    const apps = await store.listApps();
    for (const app of apps) await store.putApp({ ...app, instances: perApp });
    const now = Date.now();
    const agents: AgentInfo[] = Array.from({ length: shape.agents }, (_, i) => ({
      id: `bench-agent-${String(i).padStart(6, '0')}`,
      hostname: `bench-host-${i}`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      resources: { cpus: 16, mem: 65_536, disk: 100_000, ports: [[31000, 32000]] },
      attributes: { rack: `r${i % 20}` },
      capabilities: { docker: false },
      registeredAt: now,
      lastHeartbeatAt: now,
      connected: true,
    }));
    for (let i = 0; i < agents.length; i += ROWS_PER_INSERT) {
      const rows = agents.slice(i, i + ROWS_PER_INSERT).map((a) => ({ id: a.id, json: encodeJson(a) }));
      await db.insertInto('agents').values(rows).execute();
    }
    let n = 0;
    let batch: Array<{ id: string; app_id: string; agent_id: string; json: string }> = [];
    const flush = async () => {
      if (batch.length > 0) await db.insertInto('tasks').values(batch).execute();
      batch = [];
    };
    for (const app of apps) {
      for (let k = 0; k < perApp && n < shape.tasks; k++, n++) {
        const agent = agents[n % agents.length]!;
        const id = `${app.id.slice(1).replaceAll('/', '_')}.seed-${String(n).padStart(7, '0')}`;
        const task: TaskRecord = {
          id,
          appId: app.id,
          version: app.version,
          configVersion: app.versionInfo.lastConfigChangeAt,
          agentId: agent.id,
          host: agent.address,
          ports: [],
          servicePorts: [],
          state: 'TASK_RUNNING',
          stagedAt: now,
          startedAt: now,
          updatedAt: now,
          resources: { cpus: app.cpus, mem: app.mem, disk: app.disk },
        };
        batch.push({ id, app_id: app.id, agent_id: agent.id, json: encodeJson(task) });
        if (batch.length === ROWS_PER_INSERT) await flush();
      }
    }
    await flush();
  } finally {
    await db.destroy();
    await store.close();
  }
}
