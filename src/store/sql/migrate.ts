/**
 * Migrations are TypeScript modules listed in code (a static provider), never found by scanning a
 * folder: the package runs from dist/, where a folder scan would see .js files or nothing at all.
 */
import { type Kysely, type Migration, Migrator } from 'kysely';

/** Name -> migration. Names sort in the order they must run (`0001-initial`, `0002-...`). */
export type MigrationSet = Readonly<Record<string, Migration>>;

export async function migrateToLatest(db: Kysely<unknown>, migrations: MigrationSet): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`store migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
