/**
 * Task log rotation end to end: a process task that prints 50 MB under `drover up
 * --task-log-max-mb 5` ends up with a stdout under the cap that still holds its newest output,
 * and the log route still serves that tail.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';

const CAP = 5 * 1024 * 1024;

function findLog(dir: string, taskId: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.name === 'stdout' && e.parentPath.endsWith(`/sandboxes/${taskId}`))
      return join(e.parentPath, e.name);
  }
  return undefined;
}

test('a task printing 50 MB keeps its stdout under --task-log-max-mb, with the tail', {
  timeout: 330_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 1, args: ['--task-log-max-mb', '5'] });
  const { api } = drover;
  await api.json('POST', '/v2/apps', {
    id: '/chatty',
    // 50 MB of 100-character lines, 1 MB every 0.2 s (so the once-a-second rotation runs while
    // it prints), then a last line and a long sleep. `yes | head` prints with little CPU (the
    // earlier tr | fold pipeline at cpus 0.1 needed over 120 s on a loaded CI machine): what is
    // tested is the rotation, not the printer's speed.
    cmd: 'i=0; while [ $i -lt 50 ]; do yes "$(printf %099d 0)" | head -c 1048576; sleep 0.2; i=$((i+1)); done; echo done-printing; sleep 1000',
    instances: 1,
    cpus: 0.5,
    mem: 32,
    portDefinitions: [],
  });
  const taskId = await waitFor(
    async () => (await api.get<{ tasks: Array<{ id: string }> }>('/v2/apps/chatty/tasks')).tasks[0]?.id,
    { what: 'the task', timeoutMs: 60_000 },
  );
  const path = await waitFor(() => findLog(drover.dataDir, taskId), { what: 'its stdout file' });
  let peak = 0;
  await waitFor(
    async () => {
      const size = statSync(path).size;
      peak = Math.max(peak, size);
      const res = await api.raw('GET', `/v2/tasks/${encodeURIComponent(taskId)}/logs?tail=5`);
      return res.status === 200 && res.text.includes('done-printing') && size <= CAP;
    },
    { what: 'done-printing in a stdout under the cap', timeoutMs: 240_000, intervalMs: 200 },
  );
  const size = statSync(path).size;
  t.diagnostic(`stdout ${size} bytes after 50 MB printed (cap ${CAP}; largest seen ${peak})`);
  assert.ok(size <= CAP, `stdout is ${size} bytes`);
  // Rotated while printing, not only once at the end: the file never held all 50 MB at once.
  assert.ok(peak < 50 * 1024 * 1024, `stdout reached ${peak} bytes before a rotation`);
});
