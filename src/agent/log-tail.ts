/**
 * The last lines of a log file, read backwards from its end so a task that has logged gigabytes
 * costs the same as one that logged a page. At most `maxBytes` are read; when the cap cuts a line,
 * that partial line is dropped so no caller sees half a line (or half a UTF-8 character).
 */
import { openSandboxFile, READ } from './safe-open.js';

export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;
const NL = 0x0a;

/** `lines` undefined: as much of the end of the file as the cap allows. */
export async function readTail(
  path: string,
  lines: number | undefined,
  maxBytes: number = DEFAULT_MAX_LOG_BYTES,
): Promise<string> {
  if (lines !== undefined && lines <= 0) return '';
  // The task may own the directory (switchUser): never follow a link it left in place of its log.
  const fh = await openSandboxFile(path, READ);
  try {
    const { size } = await fh.stat();
    const chunks: Buffer[] = [];
    let pos = size;
    let total = 0;
    let newlines = 0;
    let needed = Number.POSITIVE_INFINITY;
    while (pos > 0 && total < maxBytes && newlines < needed) {
      const len = Math.min(CHUNK, pos, maxBytes - total);
      pos -= len;
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      const chunk = buf.subarray(0, bytesRead);
      if (chunks.length === 0 && lines !== undefined) {
        // A trailing newline ends the last line; it does not start another one.
        needed = lines + (chunk[chunk.length - 1] === NL ? 1 : 0);
      }
      chunks.unshift(chunk);
      total += len;
      newlines += countNewlines(chunk);
    }
    const data = Buffer.concat(chunks);
    const start = lines === undefined ? undefined : startOfLastLines(data, lines);
    if (start !== undefined) return data.subarray(start).toString('utf8');
    if (pos === 0) return data.toString('utf8');
    // Capped in the middle of a line: begin at the first whole line.
    const firstNl = data.indexOf(NL);
    return (firstNl === -1 || firstNl === data.length - 1 ? data : data.subarray(firstNl + 1)).toString(
      'utf8',
    );
  } finally {
    await fh.close();
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(NL); i !== -1; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** Index where the last `n` lines begin, or undefined when `buf` holds fewer than n whole lines. */
export function startOfLastLines(buf: Buffer, n: number): number | undefined {
  let idx = buf.length;
  if (idx > 0 && buf[idx - 1] === NL) idx -= 1;
  for (let seen = 0; seen < n; seen++) {
    // Guard: Buffer#lastIndexOf with a negative offset counts from the end.
    if (idx === 0) return undefined;
    const nl = buf.lastIndexOf(NL, idx - 1);
    if (nl === -1) return undefined;
    idx = nl;
  }
  return idx + 1;
}
