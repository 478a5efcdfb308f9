/**
 * Process tasks held to their `mem` and `cpus` by cgroups, against a real `drover up` (issue 12,
 * item 4): a task with `mem: 32` that allocates 200 MB ends TASK_FAILED with "memory limit" in
 * lastTaskFailure, its app backs off and retries, drover and a well-behaved neighbour keep
 * running, and each task's group is made with its limits and removed when it ends.
 *
 * Needs writable cgroups (root, as CI runs): drover then says it limits tasks; when it says it
 * cannot, this fails (with drover's reason) rather than skipping.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCgroupMounts } from '../../src/agent/executors/cgroups/cgroup-host.js';
import { DroverProcess, waitFor } from './support/drover-process.js';

type Failure = { taskId: string; state: string; message: string; timestamp: string };
type Task = { id: string; state: string };
type Delay = { timeLeftSeconds: number; overdue: boolean };

/** `<hierarchy>/drover/<taskId>` for the memory and cpu controllers (one dir for both in v2). */
function groupDirs(taskId: string): { memory: string; cpu: string | undefined; v2: boolean } {
  const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  const v2 = mounts.find((m) => m.fsType === 'cgroup2' && existsSync(join(m.mountPoint, 'drover', taskId)));
  if (v2)
    return {
      memory: join(v2.mountPoint, 'drover', taskId),
      cpu: join(v2.mountPoint, 'drover', taskId),
      v2: true,
    };
  const memory = mounts.find((m) => m.fsType === 'cgroup' && m.options.includes('memory'));
  const cpu = mounts.find((m) => m.fsType === 'cgroup' && m.options.includes('cpu'));
  assert.ok(memory, 'a memory hierarchy is mounted');
  return {
    memory: join(memory.mountPoint, 'drover', taskId),
    cpu: cpu ? join(cpu.mountPoint, 'drover', taskId) : undefined,
    v2: false,
  };
}

test('process tasks: an OOM is a "memory limit" failure with backoff; limits set and groups removed', {
  timeout: 240_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 1 });
  const { api } = drover;
  // Printed right after the "API on" line the start waits for.
  const line = await waitFor(
    () =>
      drover
        .output()
        .split('\n')
        .find((l) => l.includes('process tasks')),
    {
      what: "drover's line about process task limits",
    },
  );
  t.diagnostic(line);
  assert.match(line, /process tasks limited to their mem and cpus by cgroup v[12]/);
  const agent = await waitFor(
    async () =>
      (await api.get<{ agents: Array<{ capabilities: { limits?: boolean } }> }>('/v2/agents')).agents[0],
    { what: 'the agent registered' },
  );
  assert.equal(agent.capabilities.limits, true, 'the agent reports its limits to the master');

  // The neighbour: small, steady, and under its limit (10 MB in a 48 MiB group).
  await api.json('POST', '/v2/apps', {
    id: '/calm',
    cmd: `exec node -e "const keep=Buffer.alloc(10<<20,1);setInterval(()=>keep[0]++,1000)"`,
    instances: 1,
    cpus: 0.5,
    mem: 32,
    portDefinitions: [],
  });
  const calm = await waitFor(
    async () =>
      (await api.get<{ tasks: Task[] }>('/v2/apps/calm/tasks')).tasks.find((x) => x.state === 'TASK_RUNNING'),
    { what: 'the calm task running', timeoutMs: 60_000 },
  );
  const calmDirs = groupDirs(calm.id);
  const limitFile = calmDirs.v2 ? 'memory.max' : 'memory.limit_in_bytes';
  assert.equal(readFileSync(join(calmDirs.memory, limitFile), 'utf8').trim(), String(48 * 1024 * 1024));
  if (calmDirs.cpu) {
    // The CPU check is on the setting, not on timing: 0.5 cpus = 512 shares (v2: weight 20).
    const [file, want] = calmDirs.v2 ? ['cpu.weight', '20'] : ['cpu.shares', '512'];
    if (existsSync(join(calmDirs.cpu, file))) {
      assert.equal(readFileSync(join(calmDirs.cpu, file), 'utf8').trim(), want);
    }
  }
  const calmPids = readFileSync(join(calmDirs.memory, 'cgroup.procs'), 'utf8').trim().split('\n');
  assert.equal(calmPids.length, 1, 'the node process (the gate shell exec-ed into it) is in its group');

  // The hog: 200 MB touched page by page; without a limit it would run on, holding it.
  await api.json('POST', '/v2/apps', {
    id: '/hog',
    cmd: `exec node -e "const b=[];for(let i=0;i<200;i++)b.push(Buffer.alloc(1<<20,1));setInterval(()=>{},1000)"`,
    instances: 1,
    cpus: 0.1,
    mem: 32,
    portDefinitions: [],
    // A first delay of 3 s, then 30 s: wide apart, so no timing on a busy machine decides.
    backoffSeconds: 3,
    backoffFactor: 10,
  });
  const failureOf = async () =>
    (await api.get<{ app: { lastTaskFailure?: Failure } }>('/v2/apps/hog')).app.lastTaskFailure;
  const first = await waitFor(failureOf, { what: "the hog's first failure", timeoutMs: 60_000 });
  t.diagnostic(`first failure: ${first.message}`);
  assert.equal(first.state, 'TASK_FAILED');
  assert.match(first.message, /memory limit of 48 MiB/);
  assert.match(first.message, /^Memory limit exceeded/);
  assert.equal(existsSync(groupDirs(first.taskId).memory), false, "the failed task's group is removed");

  const delayOf = async () => {
    const { queue } = await api.get<{ queue: Array<{ app: { id: string }; delay: Delay }> }>('/v2/queue');
    return queue.find((q) => q.app.id === '/hog')?.delay;
  };
  const firstDelay = await waitFor(
    async () => {
      const d = await delayOf();
      return d && !d.overdue ? d : false;
    },
    { what: '/hog delayed in /v2/queue after its first failure', timeoutMs: 10_000 },
  );
  assert.ok(firstDelay.timeLeftSeconds > 0 && firstDelay.timeLeftSeconds <= 3, JSON.stringify(firstDelay));
  const second = await waitFor(
    async () => {
      const f = await failureOf();
      return f && f.taskId !== first.taskId ? f : false;
    },
    { what: 'the retry failing the same way', timeoutMs: 60_000 },
  );
  assert.match(second.message, /memory limit/);
  const secondDelay = await waitFor(
    async () => {
      const d = await delayOf();
      return d && !d.overdue ? d : false;
    },
    { what: '/hog delayed again after its second failure', timeoutMs: 10_000 },
  );
  assert.ok(secondDelay.timeLeftSeconds > 3, `the delay grew: ${JSON.stringify(secondDelay)}`);

  // The machine is fine: drover answers, the neighbour is the same task, still running.
  const calmNow = (await api.get<{ tasks: Task[] }>('/v2/apps/calm/tasks')).tasks;
  assert.deepEqual(
    calmNow.map((x) => [x.id, x.state]),
    [[calm.id, 'TASK_RUNNING']],
  );
  await api.json('DELETE', '/v2/apps/hog');
  await api.json('DELETE', '/v2/apps/calm');
  await waitFor(() => !existsSync(calmDirs.memory), {
    what: "the calm task's group removed",
    timeoutMs: 30_000,
  });
  if (calmDirs.cpu) assert.equal(existsSync(calmDirs.cpu), false);
});
