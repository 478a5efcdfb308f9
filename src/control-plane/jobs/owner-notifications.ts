/**
 * Notifications to a job's owners, as Chronos sends them: an e-mail to the `owner` addresses
 * through an SMTP server (`--mail-server smtp(s)://user:pass@host:port`, `--mail-from`, sent with
 * nodemailer) and a `{"text": ...}` POST to Slack and Mattermost incoming webhooks. All best effort:
 * sending starts after the run's transaction committed, never holds up the scheduler, is bounded
 * by timeouts, and a failure is logged, not retried.
 */
import nodemailer from 'nodemailer';
import type { Logger } from '../../platform/logger.js';
import { chatText, type OwnerNotice, ownerAddresses } from './chronos-messages.js';

export interface OwnerNotifyConfig {
  /** `smtp://[user:pass@]host:port` or `smtps://...` (TLS from the start). */
  mailServer?: string;
  mailFrom?: string;
  slackWebhookUrl?: string;
  mattermostWebhookUrl?: string;
}

export interface OwnerNotifier {
  send(notice: OwnerNotice): void;
  /** Resolves when everything started so far has been delivered or failed (tests, shutdown). */
  idle(): Promise<void>;
}

const TIMEOUT_MS = 10_000;

export function ownerNotifier(cfg: OwnerNotifyConfig, logger: Logger): OwnerNotifier | undefined {
  if (!cfg.mailServer && !cfg.slackWebhookUrl && !cfg.mattermostWebhookUrl) return undefined;
  const mail = cfg.mailServer ? nodemailer.createTransport(smtpOptions(cfg.mailServer)) : undefined;
  const from = cfg.mailFrom ?? 'drover@localhost';
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>, what: Record<string, unknown>) => {
    const q = p
      .catch((err) => logger.warn({ err, ...what }, 'job owner notification failed'))
      .finally(() => pending.delete(q));
    pending.add(q);
  };
  const post = (url: string, text: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).then(async (res) => {
      await res.body?.cancel();
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    });
  return {
    send(n) {
      const what = { job: n.job.name, notice: n.kind };
      const to = ownerAddresses(n.job);
      if (mail && to.length > 0)
        track(mail.sendMail({ from, to, subject: n.subject, text: n.message }), { ...what, channel: 'mail' });
      if (cfg.slackWebhookUrl) track(post(cfg.slackWebhookUrl, chatText(n)), { ...what, channel: 'slack' });
      if (cfg.mattermostWebhookUrl)
        track(post(cfg.mattermostWebhookUrl, chatText(n)), { ...what, channel: 'mattermost' });
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** `smtp(s)://user:pass@host:port` as nodemailer's SMTP options (validated by the CLI flag). */
export function smtpOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 25,
    secure,
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  };
}
