/**
 * Task stdout/stderr are files the task holds open in append mode (no pipe through the agent), so
 * they are bounded from outside: once a file passes the cap, its tail (half the cap, from a line
 * start) is kept and the rest dropped, as Mesos's logrotate container logger keeps the newest
 * output. The file is truncated and the tail written back, so the task's own appends keep going to
 * the end and the log routes still read the newest lines.
 *
 * The newest output is what a rotation must not lose, yet a fast writer keeps appending while the
 * tail is read. So the read-and-truncate is synchronous (no turn of the event loop in between) and
 * re-reads whatever was appended meanwhile until the size holds still; only output appended in the
 * microseconds between that last check and the truncate can be lost. A marker line says what was cut.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { stat } from 'node:fs/promises';

export const DEFAULT_TASK_LOG_MAX_BYTES = 100 * 1024 * 1024;

/** Returns the bytes dropped (0 when the file is within `maxBytes` or missing). */
export async function rotateLog(path: string, maxBytes: number): Promise<number> {
  try {
    if ((await stat(path)).size <= maxBytes) return 0;
  } catch {
    return 0;
  }
  let fd: number;
  let appendFd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return 0;
  }
  try {
    appendFd = openSync(path, 'a');
  } catch {
    closeSync(fd);
    return 0;
  }
  try {
    return rotateOpen(fd, appendFd, maxBytes);
  } finally {
    closeSync(fd);
    closeSync(appendFd);
  }
}

function rotateOpen(fd: number, appendFd: number, maxBytes: number): number {
  const keep = Math.floor(maxBytes / 2);
  let size = fstatSync(fd).size;
  if (size <= maxBytes) return 0;
  const start = size - keep;
  const parts: Buffer[] = [readAt(fd, start, keep)];
  // Catch up with what the task appended while we read, a bounded number of times.
  for (let i = 0; i < 100; i++) {
    const now = fstatSync(fd).size;
    if (now === size) break;
    parts.push(readAt(fd, size, now - size));
    size = now;
  }
  ftruncateSync(fd, 0);
  let tail = Buffer.concat(parts);
  // Keep at most `keep` bytes, from a line start.
  if (tail.length > keep) tail = tail.subarray(tail.length - keep);
  const nl = tail.indexOf(10);
  if (nl >= 0 && nl < tail.length - 1) tail = tail.subarray(nl + 1);
  const dropped = size - tail.length;
  const out = Buffer.concat([Buffer.from(`[drover: ${dropped} earlier bytes rotated away]\n`), tail]);
  // Through an O_APPEND descriptor, as the task writes: a line the task appends right after the
  // truncate lands before the tail instead of being overwritten by it.
  let off = 0;
  while (off < out.length) off += writeSync(appendFd, out, off, out.length - off);
  return dropped;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}
