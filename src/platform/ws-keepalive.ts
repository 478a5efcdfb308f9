/**
 * WebSocket keepalive, the same at both ends of an agent link: a ping every interval, and a peer
 * that has not been heard from since the previous ping by the next one is gone (a cut cable or a
 * dead host sends no FIN), so the socket is terminated and its close handlers run. An interval of
 * 0 turns it off. Returns the stop the socket's close handler calls.
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
      if (!heard) {
        onSilent();
        ws.terminate();
        return;
      }
      heard = false;
      ws.ping();
    });
  }, intervalMs);
  pinger.unref();
  return () => {
    clearInterval(pinger);
    if (verdict !== undefined) clearImmediate(verdict);
  };
}
