/**
 * Task stdout/stderr are files the task holds open in append mode (no pipe through the agent), so
 * they are bounded from outside: once a file passes the cap, its tail (half the cap, from a line
 * start) is kept and the rest dropped, as Mesos's logrotate container logger keeps the newest
 * output. The file is truncated and the tail appended back, so the task's own appends keep going
 * to the end and the log routes still read the newest lines. Output written during the few
 * microseconds between the read and the truncate can be lost; a marker line says what was cut.
 */
import { appendFile, open, stat, truncate } from 'node:fs/promises';

export const DEFAULT_TASK_LOG_MAX_BYTES = 100 * 1024 * 1024;

/** Returns the bytes dropped (0 when the file is within `maxBytes` or missing). */
export async function rotateLog(path: string, maxBytes: number): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return 0;
  }
  if (size <= maxBytes) return 0;
  const keep = Math.floor(maxBytes / 2);
  const buf = Buffer.alloc(keep);
  const fh = await open(path, 'r');
  try {
    await fh.read(buf, 0, keep, size - keep);
  } finally {
    await fh.close();
  }
  const nl = buf.indexOf(10);
  const tail = nl >= 0 && nl < keep - 1 ? buf.subarray(nl + 1) : buf;
  const dropped = size - tail.length;
  await truncate(path, 0);
  await appendFile(
    path,
    Buffer.concat([Buffer.from(`[drover: ${dropped} earlier bytes rotated away]\n`), tail]),
  );
  return dropped;
}
