/**
 * The change feed over the `store_changes` log (migration 0007-change-log), dialect-neutral kysely
 * shared by SQLite and PostgreSQL. Reads take no write lock: outside a transaction they see the
 * last commit, and seq grows with commit order (the migration says why).
 */
import type { Kysely } from 'kysely';
import type { AgentInfo } from '../../domain/agent.js';
import type { TaskRecord } from '../../domain/task.js';
import type { ChangeFeed, StoreChange } from '../change-feed-port.js';
import { decodeJson } from '../json-value.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

/** Ids per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_QUERY = 5_000;

export function sqlChangeFeed(db: Db): ChangeFeed {
  const floor = async (): Promise<number> => {
    const row = await db
      .selectFrom('store_change_floor')
      .select('seq')
      .where('id', '=', 1)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  };

  const byId = async <T>(table: 'tasks' | 'agents', ids: readonly string[]): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const slice = ids.slice(i, i + IDS_PER_QUERY);
      const rows = await db.selectFrom(table).select('json').where('id', 'in', slice).execute();
      for (const r of rows) out.push(decodeJson<T>(r.json));
    }
    return out;
  };

  return {
    async position() {
      const row = await db
        .selectFrom('store_changes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      return Math.max(Number(row?.seq ?? 0), await floor());
    },

    async since(seq, limit) {
      const rows = await db
        .selectFrom('store_changes')
        .select(['seq', 'tbl', 'key'])
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      // Read after the changes: a prune between the two statements can only make us reload for
      // nothing, never miss a change.
      if ((await floor()) > seq || rows.length > limit) return { kind: 'reload' };
      const last = rows.at(-1);
      return {
        kind: 'changes',
        seq: last === undefined ? seq : Number(last.seq),
        changes: rows.map((r) => ({ table: r.tbl, key: r.key }) as StoreChange),
      };
    },

    tasksById: (ids) => byId<TaskRecord>('tasks', ids),
    agentsById: (ids) => byId<AgentInfo>('agents', ids),

    async prune(seq) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('store_changes').where('seq', '<=', seq).execute();
        await trx
          .updateTable('store_change_floor')
          .set({ seq })
          .where('id', '=', 1)
          .where('seq', '<', seq)
          .execute();
      });
    },
  };
}
