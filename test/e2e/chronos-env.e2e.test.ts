/**
 * Chronos's task environment and task id, seen by a real task of `drover up`: a job whose command
 * prints its environment, started by hand with arguments, reads back Chronos's variables, a
 * `ct:<due>:<attempt>:<job>:<arguments>` id and a sandbox named after it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';

interface RunView {
  dueAtMs: number;
  outcome: string;
  attempts: Array<{ taskId: string }>;
}

describe('Chronos task environment on drover up', () => {
  it('gives a real task Chronos env vars and a ct:<due>:<attempt>:<job>:<args> id', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    await d.api.json(
      'POST',
      '/scheduler/iso8601',
      {
        name: 'print-env',
        command: 'env | sort; echo args:',
        schedule: 'R/2099-01-01T00:00:00Z/P1D',
        owner: 'ops@example.com',
        cpus: 0.25,
        mem: 32,
        disk: 0,
        environmentVariables: [{ name: 'CHRONOS_JOB_OWNER', value: 'spoofed' }],
      },
      [204],
    );
    await d.api.json('PUT', '/scheduler/job/print-env?arguments=a%20b', undefined, [204]);
    let run: RunView | undefined;
    await waitFor(
      async () => {
        const runs = (await d.api.get<{ runs: RunView[] }>('/v1/scheduler/job/print-env/runs')).runs;
        run = runs.find((r) => r.outcome === 'succeeded');
        return run !== undefined;
      },
      { what: 'the run to succeed', timeoutMs: 60_000 },
    );
    const log = await d.api.raw('GET', `/v1/scheduler/job/print-env/runs/${run!.dueAtMs}/logs`);
    assert.equal(log.status, 200);
    const env = new Map(
      log.text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    const id = `ct:${run!.dueAtMs}:0:print-env:a%20b`;
    assert.equal(run!.attempts[0]!.taskId, id);
    assert.equal(env.get('CHRONOS_JOB_NAME'), 'print-env');
    assert.equal(env.get('CHRONOS_JOB_OWNER'), 'ops@example.com');
    assert.equal(env.get('CHRONOS_JOB_RUN_TIME'), String(run!.dueAtMs));
    assert.equal(env.get('CHRONOS_JOB_RUN_ATTEMPT'), '0');
    assert.equal(env.get('CHRONOS_RESOURCE_CPU'), '0.25');
    assert.equal(env.get('CHRONOS_RESOURCE_MEM'), '32.0');
    assert.equal(env.get('CHRONOS_RESOURCE_DISK'), '0.0');
    assert.equal(env.get('mesos_task_id'), id);
    assert.equal(env.get('MESOS_TASK_ID'), id);
    assert.ok(env.get('MESOS_SANDBOX')?.endsWith(`/${id}`), env.get('MESOS_SANDBOX'));
    // The manual arguments were appended to the shell command.
    assert.match(log.text, /^args: a b$/m);
    // The id works in Chronos's stat route too.
    const stat = await d.api.get<{ taskStatHistory: Array<{ taskId: string; status: string }> }>(
      '/scheduler/job/stat/print-env',
    );
    assert.deepEqual(
      stat.taskStatHistory.map((s) => [s.taskId, s.status]),
      [[id, 'Success']],
    );
  });
});
