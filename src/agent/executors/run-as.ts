/**
 * Which user a process task runs as: Chronos's `runAsUser`, Marathon's `user`, applied as a Mesos
 * agent with `--switch_user` does. An agent that switches users (the default when it runs as
 * root) looks the user up in /etc/passwd, hands the task's sandbox to it and starts the task with
 * its uid and gid; an unknown user fails the launch. An agent that does not (not root, or
 * `--no-switch-user`) runs every task as itself and says so in the task's stderr when the task
 * asked for someone else.
 *
 * Supplementary groups are not set: Node's spawn drops them all when it changes uid/gid (libuv
 * calls setgroups(0)), where Mesos calls initgroups. A task gets its primary group only.
 */

import type { FileHandle } from 'node:fs/promises';
import { chown } from 'node:fs/promises';
import { openSandboxFile, READ } from '../safe-open.js';
import { lookupUser, type PasswdEntry } from './passwd.js';

export interface RunAsDeps {
  switchUser: boolean;
  /** The agent's own user: uid, and name for comparing with the requested one. */
  self: { uid: number | undefined; name: string | undefined };
  /** Name in the unknown-user message, as the master and the UI know the agent. */
  agentName: string;
  passwd: () => PasswdEntry[];
}

export type RunAs =
  /** As the agent itself, nothing to say. */
  | { kind: 'self' }
  /** As the agent itself although another user was asked for: `note` goes to the task's stderr. */
  | { kind: 'ignored'; note: string }
  | { kind: 'switch'; user: PasswdEntry };

/** Throws, with a message fit for TASK_FAILED, when the user does not exist. */
export function resolveRunAs(user: string | undefined, deps: RunAsDeps): RunAs {
  if (user === undefined) return { kind: 'self' };
  const { self } = deps;
  const isSelf = user === self.name || (self.uid !== undefined && user === String(self.uid));
  if (!deps.switchUser) {
    if (isSelf) return { kind: 'self' };
    return {
      kind: 'ignored',
      note:
        `drover: runAsUser '${user}' ignored: this agent does not switch users ` +
        `(--no-switch-user, or not running as root); running as '${self.name ?? self.uid}'\n`,
    };
  }
  const entry = lookupUser(deps.passwd(), user);
  if (!entry) throw new Error(`user '${user}' does not exist on agent ${deps.agentName}`);
  // Already that user (root jobs on a root agent, Chronos's default): no switch, so the task
  // keeps the agent's supplementary groups, as a plain launch would.
  if (entry.uid === self.uid) return { kind: 'self' };
  return { kind: 'switch', user: entry };
}

/**
 * Hands what the agent created for the task to its user: the sandbox directory (so the task can
 * write there, as Mesos chowns a sandbox) and the open log files (through their fds, so no name
 * swapped in meanwhile is followed). The checkpoint stays the agent's (0600, root).
 */
export async function handSandboxTo(
  user: PasswdEntry,
  sandbox: string,
  logs: readonly FileHandle[],
  secretFiles: readonly string[] = [],
): Promise<void> {
  await chown(sandbox, user.uid, user.gid);
  for (const fh of logs) await fh.chown(user.uid, user.gid);
  // Mode 0400: only their owner reads them, so the owner must be the task's user.
  for (const file of secretFiles) {
    const fh = await openSandboxFile(file, READ);
    try {
      await fh.chown(user.uid, user.gid);
    } finally {
      await fh.close();
    }
  }
}

/** HOME, USER and LOGNAME of the user the task runs as, under the task's own env. */
export function userEnv(user: PasswdEntry): Record<string, string> {
  return { HOME: user.home, USER: user.name, LOGNAME: user.name };
}
