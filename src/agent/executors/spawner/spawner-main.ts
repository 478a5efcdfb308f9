/**
 * The spawner helper's entry (started by helper-spawner.ts with an IPC channel): starts the task
 * processes the agent asks for and reports their ends. It imports almost nothing, so it stays a
 * small process whose fork is cheap. It lives as long as the agent: when the channel closes (the
 * agent stopped or died) it exits, and the tasks, each in its own process group, keep running
 * for the next agent to re-attach, as they would have without it.
 */
import type { ChildProcess } from 'node:child_process';
import { CgroupBirth, HomeLost } from './cgroup-birth.js';
import { type FromSpawner, failureOf, type ToSpawner } from './spawner-messages.js';
import { answerGate, startChild } from './start-child.js';

const children = new Map<number, ChildProcess>();
const birth = new CgroupBirth();

function send(msg: FromSpawner): void {
  // The channel closes when the agent goes; 'disconnect' then ends this process.
  if (process.connected) process.send?.(msg);
}

async function spawnOne(id: number, req: Extract<ToSpawner, { t: 'spawn' }>['req']): Promise<void> {
  try {
    const { child, startTime, exit } = await startChild(req, birth);
    children.set(id, child);
    send({ t: 'spawned', id, pid: child.pid!, startTime });
    const { exitCode, signal } = await exit;
    if (children.delete(id)) send({ t: 'exit', id, exitCode, signal });
  } catch (e) {
    send({ t: 'failed', id, error: failureOf(e) });
    // Stuck in a task's group, every later child would be born there: end, and let the agent
    // start a new helper (its running tasks are then watched through /proc).
    if (e instanceof HomeLost) process.exit(70);
  }
}

process.on('message', (msg: ToSpawner) => {
  switch (msg.t) {
    case 'spawn':
      void spawnOne(msg.id, msg.req);
      return;
    case 'gate': {
      const child = children.get(msg.id);
      if (child) answerGate(child, msg.open);
      return;
    }
    case 'release':
      children.get(msg.id)?.unref();
      children.delete(msg.id);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
