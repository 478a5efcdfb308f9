import { spawnSync } from 'node:child_process';

/**
 * Test helper: starts `cmd` (via /bin/sh) as a process that is not this process's child, as a task
 * looks to an agent that restarted: its parent is gone, it leads its own session and group.
 * Returns its pid.
 */
export function startOrphan(cmd: string, opts: { env?: Record<string, string>; cwd?: string } = {}): number {
  // `setsid` execs in place (a backgrounded job is no group leader), so $! is the orphan itself.
  const r = spawnSync(
    '/bin/sh',
    ['-c', 'setsid /bin/sh -c "$ORPHAN_CMD" </dev/null >/dev/null 2>&1 & echo $!'],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env, ORPHAN_CMD: cmd },
      encoding: 'utf8',
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    },
  );
  const pid = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`cannot start orphan: ${r.stderr || r.stdout}`);
  }
  return pid;
}
