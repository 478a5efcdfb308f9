/**
 * WebSocket keepalive, the same at both ends of an agent link. Every interval: a peer heard from
 * (any frame) since the last check is alive, and gets no ping; one that was silent gets a ping;
 * one still silent at the next check after its ping is gone (a cut cable or a dead host sends no
 * FIN), so the socket is terminated and its close handlers run. A silent peer is dropped 2-3
 * intervals after its last frame. An interval of 0 turns it off. Returns the stop the socket's
 * close handler calls.
 *
 * Why no ping to a talking peer: agents heartbeat (every 2 s by default), so the master's ping to
 * every agent every interval proved nothing new, and at 10,000 agents it cost a frame and a
 * syscall per agent per interval (7.9% of the master's CPU in the scale simulation).
 *
 * Two things keep a busy but live peer from being dropped (an agent spawning 500 job tasks, a
 * master applying their status updates: BENCHMARKS.md, jobs firing, where such a drop turned
 * 500 runs into TASK_LOST):
 * - any frame proves the peer alive, not only the pong: its acks and updates travel in the same
 *   stream, ahead of the pong;
 * - the verdict waits for the I/O of the loop turn the timer fired in. When this side's own event
 *   loop was blocked past the interval, the timer runs first in the next turn, before the poll
 *   phase reads the pong that has long been waiting in the socket; judging then would blame the
 *   peer for our own stall.
 */
import type WebSocket from 'ws';
import { setCappedInterval } from './capped-timer.js';

export function keepAlive(ws: WebSocket, intervalMs: number, onSilent: () => void): () => void {
  if (intervalMs <= 0) return () => {};
  let heard = true;
  /** A ping went out at the last check and nothing was heard since. */
  let pinged = false;
  const hear = () => {
    heard = true;
  };
  ws.on('pong', hear);
  ws.on('ping', hear);
  ws.on('message', hear);
  let verdict: NodeJS.Immediate | undefined;
  const pinger = setCappedInterval(() => {
    if (verdict !== undefined) return;
    // setImmediate runs after this turn's poll phase: whatever already arrived is read by then.
    verdict = setImmediate(() => {
      verdict = undefined;
      if (heard) {
        heard = false;
        pinged = false;
        return;
      }
      if (!pinged) {
        pinged = true;
        ws.ping();
        return;
      }
      onSilent();
      ws.terminate();
    });
  }, intervalMs);
  pinger.unref();
  return () => {
    clearInterval(pinger);
    if (verdict !== undefined) clearImmediate(verdict);
  };
}
