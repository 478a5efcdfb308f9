/**
 * Job owners hear of a final failure as Chronos told them: `drover up` with `--mail-server`
 * pointing at a local SMTP server (npm smtp-server on 127.0.0.1) and `--slack-webhook-url` at a
 * local HTTP endpoint; a job that fails after its retries sends exactly one e-mail to its owner,
 * carrying the job name and the last error, and one Slack-shaped `{"text"}` POST.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { DroverProcess, waitFor } from './support/drover-process.js';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

describe('job owner notifications on drover up', () => {
  it('mails the owner once and posts to Slack once when a job fails after its retries', async (t) => {
    const mails: Mail[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString('utf8');
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    t.after(() => new Promise<void>((r) => smtp.close(() => r())));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    const posts: Array<{ path: string; type: string; body: unknown }> = [];
    const hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        posts.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    t.after(() => new Promise<void>((r) => hooks.close(() => r())));
    const hookPort = (hooks.address() as AddressInfo).port;

    const d = await DroverProcess.startFor(t, {
      agents: 1,
      args: [
        '--mail-server',
        `smtp://127.0.0.1:${smtpPort}`,
        '--mail-from',
        'chronos@example.com',
        '--slack-webhook-url',
        `http://127.0.0.1:${hookPort}/slack`,
      ],
    });
    await d.api.json(
      'POST',
      '/scheduler/iso8601',
      {
        name: 'nightly-report',
        command: 'echo boom >&2; exit 3',
        schedule: 'R/2099-01-01T00:00:00Z/P1D',
        owner: 'ops@example.com',
        retries: 1,
        retryDelaySeconds: 1,
      },
      [204],
    );
    await d.api.json('PUT', '/scheduler/job/nightly-report', undefined, [204]);
    await waitFor(
      async () => {
        const runs = (
          await d.api.get<{ runs: Array<{ outcome: string }> }>('/v1/scheduler/job/nightly-report/runs')
        ).runs;
        return runs[0]?.outcome === 'failed';
      },
      { what: 'the run to fail after its retry', timeoutMs: 60_000 },
    );
    await waitFor(() => mails.length >= 1 && posts.length >= 1, {
      what: 'the notifications',
      timeoutMs: 30_000,
    });
    // Nothing more follows: one failure, one notice per channel (the retry sent none).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(mails.length, 1, mails.map((m) => m.data).join('\n----\n'));
    assert.equal(posts.length, 1, JSON.stringify(posts));

    const mail = mails[0]!;
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.equal(mail.from, 'chronos@example.com');
    const unfolded = mail.data.replace(/\r?\n[ \t]/g, ' ');
    assert.match(unfolded, /^Subject: \[Chronos\] job 'nightly-report' failed!$/m);
    assert.match(unfolded, /^To: ops@example\.com$/m);
    assert.match(mail.data, /Retries attempted: 1\./);
    assert.match(mail.data, /Task id: ct:\d+:1:nightly-report:/);
    assert.match(mail.data, /The scheduler provided this message:/);
    assert.match(mail.data, /exit code 3/);

    const post = posts[0]!;
    assert.equal(post.path, '/slack');
    assert.match(post.type, /application\/json/);
    assert.deepEqual(Object.keys(post.body as object), ['text']);
    assert.match(
      (post.body as { text: string }).text,
      /^\[Chronos\] job 'nightly-report' failed!: \n'\d{4}-\d\d-\d\dT[\d:.]+Z'\. Retries attempted: 1\.\nTask id: ct:\d+:1:nightly-report:\nThe scheduler provided this message:\n\n.*exit code 3/s,
    );
  });
});
