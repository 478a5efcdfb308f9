/** Every store migration (dialect-neutral kysely schema code, shared by SQLite and PostgreSQL), in order. Add a new module here when you add a migration file. */
import type { MigrationSet } from '../migrate.js';
import * as initial from './0001-initial.js';
import * as jobs from './0002-jobs.js';
import * as deployments from './0003-deployments.js';
import * as leaderLease from './0004-leader-lease.js';
import * as security from './0005-security.js';
import * as eventSubscriptions from './0006-event-subscriptions.js';
import * as changeLog from './0007-change-log.js';

export const storeMigrations: MigrationSet = {
  '0001-initial': initial,
  '0002-jobs': jobs,
  '0003-deployments': deployments,
  '0004-leader-lease': leaderLease,
  '0005-security': security,
  '0006-event-subscriptions': eventSubscriptions,
  '0007-change-log': changeLog,
};
