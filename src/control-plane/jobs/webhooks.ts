/**
 * Notifications (Drover; Chronos only mailed): an HTTP POST of `{event, job, run?}` to the job's
 * `webhookUrl` and to the global URL, on a run's final failure, on auto-disable and on deletion.
 * Delivery is best effort and never blocks the master: failures are logged, not retried.
 */
import type { JobDefinition, JobRun } from '../../domain/job.js';
import type { Logger } from '../../platform/logger.js';

export type WebhookEvent = 'job_run_failed' | 'job_disabled' | 'job_deleted';

export interface WebhookPayload {
  event: WebhookEvent;
  timestamp: string;
  job: JobDefinition;
  run?: JobRun;
  reason?: string;
}

export interface WebhookNotifier {
  notify(payload: WebhookPayload): void;
  /** Resolves when every POST started so far has settled (tests, shutdown). */
  idle(): Promise<void>;
}

export function httpWebhooks(opts: {
  globalUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}): WebhookNotifier {
  const pending = new Set<Promise<void>>();
  return {
    notify(payload) {
      const urls = [...new Set([payload.job.webhookUrl, opts.globalUrl].filter((u): u is string => !!u))];
      for (const url of urls) {
        const p = fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        })
          .then((res) => {
            if (!res.ok)
              opts.logger.warn({ url, status: res.status, event: payload.event }, 'webhook refused');
            return res.body?.cancel();
          })
          .catch((err) => opts.logger.warn({ url, err, event: payload.event }, 'webhook failed'))
          .finally(() => pending.delete(p));
        pending.add(p);
      }
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
