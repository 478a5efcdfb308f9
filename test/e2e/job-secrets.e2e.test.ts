/**
 * Secrets in Chronos jobs against a real `drover up` (issue 12 item 3, "jobs the same"): a job
 * with a `{name, secret}` environment entry, run now with PUT /scheduler/job/{name}, prints the
 * variable; the test finds the value in the task's own output and nowhere Drover speaks: not GET
 * /scheduler/jobs (which shows the reference), the run history and stats, /v2/events captured
 * during the run, the master's output (debug level), /v2/secrets, the state files or the job's UI
 * page. A secret the job uses cannot be deleted (409 naming the job). A Docker job takes file
 * secrets (0400, absolute or in its sandbox mount), removed from the sandbox once the run ended.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BUSYBOX_IMAGE } from './support/docker-fixtures.js';
import { type DroverProcess, waitFor } from './support/drover-process.js';
import { startWithSecrets } from './support/secret-drover.js';
import { UiSession } from './ui/browser-session.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-job-secrets-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Runs the job now and waits for the run to end; returns it. */
async function runNow(d: DroverProcess, name: string, timeoutMs: number): Promise<RunView> {
  assert.equal((await d.api.raw('PUT', `/scheduler/job/${name}`)).status, 204);
  let run: RunView | undefined;
  await waitFor(
    async () => {
      const runs = (await d.api.get<{ runs: RunView[] }>(`/v1/scheduler/job/${name}/runs`)).runs;
      run = runs.find((r) => r.outcome === 'succeeded' || r.outcome === 'failed');
      return run !== undefined;
    },
    { what: `the run of ${name} to end`, timeoutMs },
  );
  return run!;
}

interface RunView {
  dueAtMs: number;
  outcome: string;
  attempts: Array<{ taskId: string; agentId: string }>;
}

test('a job secret reaches its run task environment and nothing Drover shows; 409 on deleting it', {
  timeout: 180_000,
}, async (t) => {
  const { d, events, value } = await startWithSecrets(t, { dir, name: 'job' });
  assert.equal((await d.api.raw('PUT', '/v2/secrets/db/password', { body: { value } })).status, 200);

  const job = {
    name: 'backup',
    command: 'echo "DB_PASSWORD=$DB_PASSWORD"; echo "PLAIN=$PLAIN"',
    schedule: 'R/2099-01-01T00:00:00Z/P1D',
    cpus: 0.1,
    mem: 32,
    disk: 0,
    retries: 0,
    secrets: { pw: { source: 'db/password' } },
    environmentVariables: [
      { name: 'PLAIN', value: 'visible' },
      { name: 'DB_PASSWORD', secret: 'pw' },
    ],
  };
  // Refused in the job API's shape, at the path of what is wrong; nothing stored.
  const missing = await d.api.raw('PUT', '/scheduler/iso8601', {
    body: { ...job, secrets: { pw: { source: 'no/such' } } },
  });
  assert.equal(missing.status, 400, missing.text);
  assert.match(missing.text, /"path":"\/secrets\/pw\/source"/);
  assert.match(missing.text, /secret no\/such does not exist/);
  const undeclared = await d.api.raw('PUT', '/scheduler/iso8601', { body: { ...job, secrets: {} } });
  assert.equal(undeclared.status, 400, undeclared.text);
  assert.match(undeclared.text, /"path":"\/environmentVariables\(1\)\/secret"/);
  const both = await d.api.raw('PUT', '/scheduler/iso8601', {
    body: { ...job, environmentVariables: [{ name: 'DB_PASSWORD', value: 'x', secret: 'pw' }] },
  });
  assert.equal(both.status, 400, both.text);
  assert.match(both.text, /give either value or secret, not both/);
  assert.equal((await d.api.raw('GET', '/scheduler/job/backup')).status, 404);

  assert.equal((await d.api.raw('PUT', '/scheduler/iso8601', { body: job })).status, 204);
  const run = await runNow(d, 'backup', 90_000);
  assert.equal(run.outcome, 'succeeded');

  // The task's own output has the value: the task got it.
  const logs = `/v1/scheduler/job/backup/runs/${run.dueAtMs}/logs`;
  const stdout = await d.api.raw('GET', logs);
  assert.equal(stdout.status, 200, stdout.text);
  assert.match(stdout.text, new RegExp(`^DB_PASSWORD=${value}$`, 'm'), 'the task has the secret');
  assert.match(stdout.text, /^PLAIN=visible$/m);
  // What Drover itself writes beside the task (its notes in stderr) does not.
  assert.ok(!(await d.api.raw('GET', `${logs}?stream=stderr`)).text.includes(value), 'not in stderr');

  // The definition shows the reference, Chronos-shaped; never the value.
  const jobs = await d.api.raw('GET', '/scheduler/jobs');
  assert.match(jobs.text, /\{"name":"DB_PASSWORD","secret":"pw"\}/);
  for (const path of [
    '/scheduler/jobs',
    '/v1/scheduler/jobs',
    '/scheduler/job/backup',
    '/scheduler/job/stat/backup',
    '/scheduler/jobs/summary',
    '/v1/scheduler/job/backup/runs',
    `/v1/scheduler/job/backup/runs/${run.dueAtMs}`,
    '/v1/scheduler/job/backup/stats',
    '/v2/secrets',
    '/v2/tasks',
  ]) {
    const res = await d.api.raw('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.ok(!res.text.includes(value), `not in ${path}`);
  }
  await waitFor(() => events.ofType('job_run_finished_event').length > 0, { what: 'the run events' });
  assert.ok(events.ofType('job_run_started_event').length > 0);
  assert.ok(!JSON.stringify(events.events).includes(value), 'not in /v2/events');
  assert.ok(!d.output().includes(value), 'not in the master output (debug level)');
  for (const f of readdirSync(d.dataDir).filter((n) => n.startsWith('state.db'))) {
    assert.ok(!readFileSync(join(d.dataDir, f)).includes(value), f);
  }
  // On the agent's disk only the task's own stdout holds it: not its checkpoint, not stderr.
  const holders = filesUnder(join(d.dataDir, 'agents')).filter((f) => readFileSync(f).includes(value));
  assert.deepEqual(
    holders.map((f) => f.slice(f.lastIndexOf('/') + 1)),
    ['stdout'],
    holders.join('\n'),
  );

  // The job's page, as a browser renders it: the reference only.
  const browser = await UiSession.open(t, d, 'job-secret');
  await browser.goto('/jobs/backup?tab=config');
  await browser.page.getByText('DB_PASSWORD').first().waitFor({ timeout: 30_000 });
  assert.ok(!(await browser.page.content()).includes(value), 'not in the job configuration page');
  await browser.goto('/jobs/backup');
  await browser.page.getByRole('table', { name: 'Run history' }).waitFor({ timeout: 30_000 });
  assert.ok(!(await browser.page.content()).includes(value), 'not in the job page');

  // In use by the job: refused, naming it, and kept. Once the job is gone it can be deleted.
  const del = await d.api.raw('DELETE', '/v2/secrets/db/password');
  assert.equal(del.status, 409, del.text);
  assert.match(del.text, /used by job backup/);
  assert.match((await d.api.raw('GET', '/v2/secrets')).text, /"name":"db\/password"/);
  assert.equal((await d.api.raw('DELETE', '/scheduler/job/backup')).status, 204);
  assert.equal((await d.api.raw('DELETE', '/v2/secrets/db/password')).status, 204);
});

test('a Docker job takes file secrets: 0400, at an absolute path and in its sandbox; gone after the run', {
  timeout: 240_000,
}, async (t) => {
  const { d, events, value } = await startWithSecrets(t, { dir, name: 'job-file', docker: true });
  assert.equal((await d.api.raw('PUT', '/v2/secrets/tls/key', { body: { value } })).status, 200);

  const job = {
    name: 'renew',
    // Prints hashes and the mode, never the value.
    command:
      'for f in /run/secrets/tls.key "$MESOS_SANDBOX/in/sandbox.key"; do sha256sum < "$f" | cut -d" " -f1; done; stat -c %a "$MESOS_SANDBOX/in/sandbox.key"',
    schedule: 'R/2099-01-01T00:00:00Z/P1D',
    cpus: 0.1,
    mem: 32,
    disk: 0,
    retries: 0,
    secrets: { key: { source: 'tls/key' } },
    container: {
      type: 'DOCKER',
      image: BUSYBOX_IMAGE,
      network: 'HOST',
      volumes: [
        { containerPath: '/run/secrets/tls.key', secret: 'key' },
        { containerPath: 'in/sandbox.key', secret: 'key' },
      ],
    },
  };
  const undeclared = await d.api.raw('PUT', '/scheduler/iso8601', { body: { ...job, secrets: {} } });
  assert.equal(undeclared.status, 400, undeclared.text);
  assert.match(undeclared.text, /"path":"\/container\/volumes\(0\)\/secret"/);
  assert.equal((await d.api.raw('PUT', '/scheduler/iso8601', { body: job })).status, 204);

  const run = await runNow(d, 'renew', 180_000);
  assert.equal(run.outcome, 'succeeded');
  const out = await d.api.raw('GET', `/v1/scheduler/job/renew/runs/${run.dueAtMs}/logs`);
  const sum = createHash('sha256').update(value).digest('hex');
  assert.deepEqual(out.text.trim().split('\n').slice(-3), [sum, sum, '400'], out.text);

  const jobs = await d.api.raw('GET', '/scheduler/jobs');
  assert.match(jobs.text, /"containerPath":"\/run\/secrets\/tls.key","secret":"key"/);
  assert.ok(!jobs.text.includes(value), 'not in GET /scheduler/jobs');
  await waitFor(() => events.ofType('job_run_finished_event').length > 0, { what: 'the run events' });
  assert.ok(!JSON.stringify(events.events).includes(value), 'not in /v2/events');
  assert.ok(!d.output().includes(value), 'not in the master output (debug level)');
  // The run ended: its sandbox, kept for the logs, holds no secret file and nothing holds the value.
  const sandbox = join(d.dataDir, 'agents', 'agent-1', 'sandboxes', run.attempts[0]!.taskId);
  await waitFor(() => !existsSync(join(sandbox, 'in', 'sandbox.key')), {
    what: 'the secret files removed once the run ended',
    timeoutMs: 30_000,
  });
  assert.deepEqual(readdirSync(join(sandbox, '.drover-secrets')), []);
  assert.deepEqual(
    filesUnder(join(d.dataDir, 'agents')).filter((f) => readFileSync(f).includes(value)),
    [],
  );
  const del = await d.api.raw('DELETE', '/v2/secrets/tls/key');
  assert.equal(del.status, 409, del.text);
  assert.match(del.text, /used by job renew/);
});
