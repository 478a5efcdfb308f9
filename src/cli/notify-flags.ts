/** The job owners' notification flags `drover up` and `drover master` share (Chronos's mail, Slack, Mattermost). */
import { type Command, InvalidArgumentError } from 'commander';
import { httpUrlFlag } from './parse-flags.js';

/** What `drover up` / `drover master` pass on as the job runtime's OwnerNotifyConfig. */
export interface NotifyFlags {
  mailServer?: string;
  mailFrom?: string;
  slackWebhookUrl?: string;
  mattermostWebhookUrl?: string;
}

/** `smtp://[user:pass@]host:port` or `smtps://...`. */
export function mailServerFlag(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected smtp(s)://[user:pass@]host:port, got '${value}'`);
  }
  if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || u.hostname === '')
    throw new InvalidArgumentError(`expected smtp(s)://[user:pass@]host:port, got '${value}'`);
  return value;
}

export function addNotifyOptions(cmd: Command): Command {
  return cmd
    .option(
      '--mail-server <url>',
      "SMTP server for job owners' e-mail: smtp(s)://[user:pass@]host:port",
      mailServerFlag,
    )
    .option('--mail-from <address>', "sender of job owners' e-mail (default drover@localhost)")
    .option('--slack-webhook-url <url>', 'Slack incoming webhook for job notifications', httpUrlFlag)
    .option(
      '--mattermost-webhook-url <url>',
      'Mattermost incoming webhook for job notifications',
      httpUrlFlag,
    );
}

export function notifyFlags(opts: NotifyFlags): { jobNotify?: NotifyFlags } {
  const cfg: NotifyFlags = {
    ...(opts.mailServer ? { mailServer: opts.mailServer } : {}),
    ...(opts.mailFrom ? { mailFrom: opts.mailFrom } : {}),
    ...(opts.slackWebhookUrl ? { slackWebhookUrl: opts.slackWebhookUrl } : {}),
    ...(opts.mattermostWebhookUrl ? { mattermostWebhookUrl: opts.mattermostWebhookUrl } : {}),
  };
  return Object.keys(cfg).length > 0 ? { jobNotify: cfg } : {};
}
