/**
 * The `--demo` jobs (examples/jobs/): each is a valid Chronos job, and its command, run as the
 * agent runs it under `drover up` (cwd fixed to where drover was started, MESOS_SANDBOX the task's
 * sandbox), succeeds and writes nothing outside its sandbox.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseJob } from '../domain/job-validate.js';

const dir = fileURLToPath(new URL('../../examples/jobs/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('demo jobs (examples/jobs)', () => {
  it('there are demo jobs', () => assert.ok(files.length >= 3, files.join(', ')));

  for (const f of files) {
    it(`${f}: valid, and its command writes only into its sandbox`, () => {
      const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      const job = parseJob(json, Array.isArray(json.parents) ? 'dependency' : 'iso8601');
      const cwd = mkdtempSync(join(tmpdir(), 'drover-demo-cwd-'));
      const sandbox = mkdtempSync(join(tmpdir(), 'drover-demo-sandbox-'));
      try {
        const run = spawnSync('/bin/sh', ['-c', job.command], {
          cwd,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            MESOS_SANDBOX: sandbox,
            CHRONOS_JOB_NAME: job.name,
            CHRONOS_JOB_RUN_TIME: '0',
          },
          encoding: 'utf8',
          timeout: 10_000,
        });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(readdirSync(cwd), [], `${job.name} wrote into the working directory`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
        rmSync(sandbox, { recursive: true, force: true });
      }
    });
  }

  it('extract leaves its output in its sandbox', () => {
    const json = JSON.parse(readFileSync(join(dir, '2-extract.json'), 'utf8')) as Record<string, unknown>;
    const job = parseJob(json, 'iso8601');
    const cwd = mkdtempSync(join(tmpdir(), 'drover-demo-cwd-'));
    const sandbox = mkdtempSync(join(tmpdir(), 'drover-demo-sandbox-'));
    try {
      const run = spawnSync('/bin/sh', ['-c', job.command], {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MESOS_SANDBOX: sandbox },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(readFileSync(join(sandbox, 'extract.out'), 'utf8'), /^extracted \d+\n$/);
      assert.equal(run.stdout, readFileSync(join(sandbox, 'extract.out'), 'utf8'));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
