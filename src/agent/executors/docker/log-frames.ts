/**
 * Docker's multiplexed stream format (container logs and exec output of a container without a
 * TTY): every frame is an 8-byte header `[stream, 0, 0, 0, size(uint32 big-endian)]` followed by
 * `size` bytes of payload. Stream 1 is stdout, 2 is stderr (0 is stdin, never sent to us).
 *
 * HTTP chunks do not respect frame boundaries, so the demuxer keeps the unfinished tail of one
 * chunk until the next arrives.
 */

export type FrameStream = 'stdout' | 'stderr';

export interface Frame {
  stream: FrameStream;
  data: Buffer;
}

const HEADER = 8;

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Every frame completed by `chunk`, in order. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const kind = this.pending[offset]!;
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      const data = this.pending.subarray(offset + HEADER, offset + HEADER + size);
      offset += HEADER + size;
      // stdin (0) never comes back; anything else unknown is skipped rather than misattributed.
      if (kind === 1) frames.push({ stream: 'stdout', data });
      else if (kind === 2) frames.push({ stream: 'stderr', data });
    }
    // Copy the tail: a subarray would pin the whole (possibly large) chunk in memory.
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** Bytes of an unfinished frame (non-zero when a stream was cut in the middle of one). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Encodes one frame: for the fake daemon and tests. */
export function encodeFrame(stream: FrameStream, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(HEADER);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
