/** Every SQLite migration, in order. Add a new module here when you add a migration file. */
import type { MigrationSet } from '../../sql/migrate.js';
import * as initial from './0001-initial.js';

export const sqliteMigrations: MigrationSet = {
  '0001-initial': initial,
};
