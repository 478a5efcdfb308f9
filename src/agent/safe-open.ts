/**
 * Opening files inside a sandbox that a task may own. When the agent runs tasks as another user
 * (switchUser) it hands each sandbox directory to that user, who can then replace any name in it:
 * `stdout` by a symlink to /etc/shadow (the root agent would append to it, or serve it through the
 * log API), or a FIFO (the agent's open would hang). So the agent opens sandbox files without
 * following symlinks, without blocking, and only when they turn out to be regular files.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

const { O_NOFOLLOW, O_NONBLOCK } = constants;

export interface SafeOpenOptions {
  /** Only a file owned by this uid is accepted (files the agent itself wrote). */
  owner?: number;
  /** Mode of a file this open creates. Default 0o644. */
  mode?: number;
}

/**
 * `open(path, flags)` that refuses symlinks (ELOOP), FIFOs, devices and directories, and, with
 * `owner`, files of other users. O_NONBLOCK only matters for what is refused (a FIFO): for
 * regular files, whose fds tasks inherit, it has no effect.
 */
export async function openSandboxFile(
  path: string,
  flags: number,
  opts: SafeOpenOptions = {},
): Promise<FileHandle> {
  const fh = await open(path, flags | O_NOFOLLOW | O_NONBLOCK, opts.mode ?? 0o644);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    if (opts.owner !== undefined && st.uid !== opts.owner) {
      throw new Error(`${path} is owned by uid ${st.uid}, not by this agent (uid ${opts.owner})`);
    }
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

export const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
export const READ = constants.O_RDONLY;

/** The agent's own uid, where there is one (not on Windows). */
export function agentUid(): number | undefined {
  return process.getuid?.();
}
