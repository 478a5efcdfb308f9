/**
 * Lingering close for a request body rejected before it was read (413 decided from
 * Content-Length, or part way through). Fastify answers and closes at once; closing a socket with
 * unread data makes the kernel reset the connection, and the reset can discard the answer before
 * the client reads it: a client still writing its body then sees EPIPE or "connection reset"
 * instead of the 413. Reading and dropping the rest first (bounded in bytes and time, never
 * buffered) lets the answer arrive intact, as nginx's lingering_close does.
 */
import type { IncomingMessage } from 'node:http';
import { setCappedTimeout } from '../platform/capped-timer.js';

export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 10_000;

export function drainRejectedBody(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  const declared = Number(raw.headers['content-length']);
  // A body declared larger than the bound is not worth reading: close at once, as before.
  if (Number.isFinite(declared) && declared > MAX_DRAIN_BYTES) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const timer = setCappedTimeout(() => done(), DRAIN_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > MAX_DRAIN_BYTES) done();
    };
    function done() {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('error', done);
      raw.off('close', done);
      resolve();
    }
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}
