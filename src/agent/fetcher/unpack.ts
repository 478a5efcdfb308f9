/**
 * Archive extraction into the sandbox, with the system's `tar` (which recognises gzip, bzip2 and
 * xz compression itself) and `unzip`, as the Mesos fetcher shells out to them. Which tool is
 * decided by the URI's extension, as Mesos does.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FetchError } from './download.js';

const run = promisify(execFile);

const TAR_SUFFIXES = ['.tar', '.tgz', '.tar.gz', '.tbz2', '.tar.bz2', '.txz', '.tar.xz'];

/** Which extractor an archive name needs; undefined: not an archive, kept as downloaded. */
export function archiveKind(name: string): 'tar' | 'zip' | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  return TAR_SUFFIXES.some((s) => lower.endsWith(s)) ? 'tar' : undefined;
}

export async function unpack(archive: string, kind: 'tar' | 'zip', into: string): Promise<void> {
  const [cmd, args] =
    kind === 'tar'
      ? ['tar', ['--no-same-owner', '-xf', archive, '-C', into]]
      : ['unzip', ['-o', '-q', archive, '-d', into]];
  try {
    await run(cmd, args, { timeout: 300_000, maxBuffer: 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; code?: string | number; message: string };
    const why = e.code === 'ENOENT' ? `${cmd} is not installed on this agent` : e.stderr?.trim() || e.message;
    throw new FetchError(`cannot extract ${archive}: ${why}`);
  }
}
