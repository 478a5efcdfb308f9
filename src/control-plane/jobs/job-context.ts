/** What the job runtime's pieces share: the master's context, the jobs state and notifiers. */
import type { Histogram } from 'prom-client';
import type { MasterContext } from '../context.js';
import type { JobsState } from './jobs-state.js';
import type { OwnerNotifier } from './owner-notifications.js';
import type { WebhookNotifier } from './webhooks.js';

export interface JobsContext {
  master: MasterContext;
  jobs: JobsState;
  webhooks: WebhookNotifier;
  /** E-mail, Slack and Mattermost notices to a job's owners, when configured. */
  owners?: OwnerNotifier;
  /** Firing lateness (record committed minus due time), seconds. */
  lateness?: Histogram;
  /** Ask the ticker for a pass soon (coalesced). */
  wake(): void;
}
