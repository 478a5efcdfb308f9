/**
 * Compatibility: Debian's python3-marathon client (apt, run by /usr/bin/python3; the pyenv python3
 * on PATH does not see apt's packages) drives a real `drover up` through
 * fixtures/marathon_client_check.py: create, list, get, scale, list tasks, kill tasks with scale
 * (three ways), delete; and its event_stream() with the client's own type filter
 * (fixtures/marathon_event_stream_check.py). A missing client is a failure, never a skip: CI provisions it
 * (scripts/provision.sh).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DroverProcess, liveTaskIds } from './support/drover-process.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'fixtures', 'marathon_client_check.py');

interface TaskView {
  id: string;
  app_id: string;
  host: string;
  ports: number[];
  state: string;
  started: boolean;
}

interface CheckResult {
  ping: string;
  info: { name: string; version: string; leader: string };
  create: { id: string; instances: number; cmd: string; has_version: boolean; deployments: number };
  list: string[];
  list_by_id: string[];
  list_by_label: string[];
  list_by_cmd: string[];
  list_embed: Array<[string, boolean]>;
  get: Record<string, unknown>;
  tasks_2: TaskView[];
  scale: string[];
  tasks_4: TaskView[];
  all_tasks: string[];
  kill_task_scale: string[] | 'task';
  after_kill_task: { instances: number; victim_gone: boolean };
  kill_given_tasks: boolean;
  after_kill_given: { instances: number; victim_gone: boolean };
  kill_tasks_host: { host: string; on_host: number; answer: string[] | 'tasks' };
  after_kill_tasks: { instances: number; expected: number };
  versions: number;
  queue: string[];
  delete: string[];
  after_delete: { apps: string[]; tasks: string[] };
}

test('python3-marathon (Debian) drives drover: create, list, get, scale, kill with scale, delete', {
  timeout: 180_000,
}, async (t) => {
  try {
    await run(PYTHON, ['-c', 'import marathon']);
  } catch (err) {
    assert.fail(
      `Debian's python3-marathon is not importable by ${PYTHON} (run: sudo bash scripts/provision.sh): ${
        (err as Error).message
      }`,
    );
  }

  const drover = await DroverProcess.startFor(t);
  let stdout: string;
  try {
    ({ stdout } = await run(PYTHON, [SCRIPT, drover.url, '/compat'], { timeout: 150_000 }));
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    assert.fail(
      `marathon client script failed: ${e.message}\n${e.stderr ?? ''}\ndrover:\n${drover.output().slice(-3000)}`,
    );
  }
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as CheckResult;

  assert.equal(r.ping, 'pong');
  assert.equal(typeof r.info.name, 'string');
  assert.deepEqual(r.create, {
    id: '/compat',
    instances: 2,
    cmd: 'node examples/http-echo.js',
    has_version: true,
    deployments: 1,
  });
  assert.deepEqual(r.list, ['/compat']);
  assert.deepEqual(r.list_by_id, ['/compat']);
  assert.deepEqual(r.list_by_label, ['/compat']);
  assert.deepEqual(r.list_by_cmd, ['/compat']);
  assert.deepEqual(r.list_embed, [['/compat', true]]);
  assert.deepEqual(r.get, {
    id: '/compat',
    instances: 2,
    cpus: 0.01,
    mem: 16,
    env: { MESSAGE: 'from python' },
    labels: { suite: 'python-marathon' },
    backoff_seconds: 0,
  });

  for (const [tasks, n] of [
    [r.tasks_2, 2],
    [r.tasks_4, 4],
  ] as const) {
    assert.equal(tasks.length, n);
    for (const task of tasks) {
      assert.equal(task.app_id, '/compat');
      assert.equal(task.state, 'TASK_RUNNING');
      assert.ok(task.started, 'startedAt parsed');
      assert.match(task.host, /^127\.0\.0\.\d$/);
      assert.equal(task.ports.length, 1);
    }
  }
  assert.deepEqual(r.scale, ['deploymentId', 'version']);
  assert.deepEqual(r.all_tasks, r.tasks_4.map((x) => x.id).sort());

  assert.deepEqual(r.kill_task_scale, ['deploymentId', 'version']);
  assert.deepEqual(r.after_kill_task, { instances: 3, victim_gone: true });
  assert.equal(r.kill_given_tasks, true);
  assert.deepEqual(r.after_kill_given, { instances: 2, victim_gone: true });
  assert.deepEqual(r.kill_tasks_host.answer, ['deploymentId', 'version']);
  assert.ok(r.kill_tasks_host.on_host >= 1);
  assert.equal(r.after_kill_tasks.instances, r.after_kill_tasks.expected);

  // create + scale + three kills with scale each stored a version.
  assert.ok(r.versions >= 5, `versions: ${r.versions}`);
  assert.deepEqual(r.queue, []);
  assert.deepEqual(r.delete, ['deploymentId', 'version']);
  assert.deepEqual(r.after_delete, { apps: [], tasks: [] });
  await drover.waitNoTaskProcesses();
  assert.equal(liveTaskIds(drover.dataDir).size, 0);
});

test('python3-marathon (Debian) follows the event stream with its own type filter', {
  timeout: 180_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const script = join(import.meta.dirname, 'fixtures', 'marathon_event_stream_check.py');
  let stdout: string;
  try {
    ({ stdout } = await run(PYTHON, [script, drover.url, '/streamed'], { timeout: 150_000 }));
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    assert.fail(
      `event stream script failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}\ndrover:\n${drover
        .output()
        .slice(-3000)}`,
    );
  }
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    ok: boolean;
    seen: Array<{ class: string; event_type: string; app_id?: string; id?: string }>;
  };
  assert.equal(r.ok, true);
  // Only the two asked-for types arrive, typed by the client's own event classes.
  assert.deepEqual([...new Set(r.seen.map((e) => e.event_type))].sort(), [
    'api_post_event',
    'deployment_success',
  ]);
  const post = r.seen.find((e) => e.event_type === 'api_post_event');
  assert.equal(post?.class, 'MarathonApiPostEvent');
  assert.equal(post?.app_id, '/streamed');
  const success = r.seen.at(-1)!;
  assert.equal(success.class, 'MarathonDeploymentSuccess');
  assert.match(success.id ?? '', /\S/);
});
