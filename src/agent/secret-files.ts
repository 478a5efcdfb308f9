/**
 * A task's file secrets (Marathon's secret volumes) on the agent's disk: each value is written
 * into the task's sandbox, mode 0400, just before the task starts, and removed when it ends, so
 * an ended task's sandbox (kept for its logs) holds no secret. The values come only in the launch
 * message and are never checkpointed; a re-adopted task keeps the files it was started with.
 *
 * - A relative `containerPath` is the file `$MESOS_SANDBOX/<containerPath>` (Marathon's rule),
 *   for process tasks and Docker containers alike (the sandbox is mounted in the container).
 * - An absolute one (Docker only: the domain refuses it for process tasks) is kept under
 *   `<sandbox>/.drover-secrets/` and bound read-only at that path in the container.
 *
 * The sandbox may already hold files the task's fetch put there (an archive could carry a
 * symlink `conf -> /etc`), so the agent, often root, writes only below the sandbox's real path
 * and never follows a link for the file itself.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, realpath, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { TaskSpec } from '../domain/agent-protocol.js';

const SECRET_DIR = '.drover-secrets';

/** Where the secret for `containerPath` lives on the agent. */
export function secretFilePath(sandbox: string, containerPath: string): string {
  if (!containerPath.startsWith('/')) return join(sandbox, containerPath);
  const name = createHash('sha256').update(containerPath).digest('hex').slice(0, 16);
  return join(sandbox, SECRET_DIR, name);
}

/** The container paths of a spec's secret volumes (what to remove once the task has ended). */
export function secretVolumePaths(spec: Pick<TaskSpec, 'container'>): string[] {
  return (spec.container?.volumes ?? []).flatMap((v) => (v.secret !== undefined ? [v.containerPath] : []));
}

/** Writes every file; returns their paths on the agent. Rejects (a launch failure) on any problem. */
export async function writeSecretFiles(sandbox: string, files: Record<string, string>): Promise<string[]> {
  const root = await realpath(sandbox);
  const written: string[] = [];
  for (const [containerPath, value] of Object.entries(files)) {
    const path = secretFilePath(sandbox, containerPath);
    const parent = dirname(path);
    await mkdir(parent, { recursive: true, mode: 0o755 });
    const real = await realpath(parent);
    if (real !== root && !real.startsWith(root + sep)) {
      throw new Error(`secret file ${containerPath} would be written outside the sandbox (via ${real})`);
    }
    const target = resolve(real, path.slice(parent.length + 1));
    // A relaunch under the same id reuses the sandbox: a file left by it is replaced, not reused.
    await unlink(target).catch(() => undefined);
    const fh = await open(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o400,
    );
    try {
      await fh.writeFile(value);
    } finally {
      await fh.close();
    }
    written.push(target);
  }
  return written;
}

/** Best effort: a file already gone (or never written) is fine. */
export async function removeSecretFiles(sandbox: string, containerPaths: readonly string[]): Promise<void> {
  for (const p of containerPaths) await unlink(secretFilePath(sandbox, p)).catch(() => undefined);
}
