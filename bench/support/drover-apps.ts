/** Drover's side of the peer benches: deploying http-echo apps and waiting until they answer. */
import { setTimeout as delay } from 'node:timers/promises';
import type { DroverProcess } from '../../test/e2e/support/drover-process.js';
import { appTasks } from '../../test/e2e/support/marathon-tasks.js';
import { probe } from './endpoints.js';

/** Small enough that 100 instances fit on the two agents of `drover up` with room to spare. */
export const TINY = { cpus: 0.01, mem: 8 };

export function echoApp(id: string, instances: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    cmd: 'node examples/http-echo.js',
    instances,
    ...TINY,
    backoffSeconds: 0,
    ...extra,
  };
}

/**
 * Polls the app's tasks and probes each new task's host:PORT0 (only those not answered yet, in
 * parallel, every 10 ms) until `n` distinct tasks have answered as themselves.
 */
export async function waitAppAnswering(drover: DroverProcess, appId: string, n: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const answered = new Set<string>();
  for (;;) {
    const tasks = await appTasks(drover.api, appId);
    const pending = tasks.filter((t) => t.state === 'TASK_RUNNING' && !answered.has(t.id));
    const ok = await Promise.all(
      pending.map((t) => probe({ host: t.host, port: t.ports[0]!, accept: (a) => a.task === t.id })),
    );
    for (const [i, t] of pending.entries()) if (ok[i]) answered.add(t.id);
    if (answered.size >= n) return;
    if (Date.now() > deadline)
      throw new Error(`${answered.size} of ${n} ${appId} tasks answering after ${timeoutMs} ms`);
    await delay(10);
  }
}

/** Deletes the app and waits until none of its processes is left. */
export async function removeApp(drover: DroverProcess, appId: string): Promise<void> {
  await drover.api.json('DELETE', `/v2/apps${appId}`);
  await drover.waitNoTaskProcesses(60_000);
}
