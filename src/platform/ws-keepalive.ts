/**
 * WebSocket keepalive, the same at both ends of an agent link: a ping every interval, and a peer
 * that has not answered the previous ping by the next one is gone (a cut cable or a dead host
 * sends no FIN), so the socket is terminated and its close handlers run. An interval of 0 turns it
 * off. Returns the stop the socket's close handler calls.
 */
import type WebSocket from 'ws';
import { setCappedInterval } from './capped-timer.js';

export function keepAlive(ws: WebSocket, intervalMs: number, onSilent: () => void): () => void {
  if (intervalMs <= 0) return () => {};
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  const pinger = setCappedInterval(() => {
    if (!alive) {
      onSilent();
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  pinger.unref();
  return () => clearInterval(pinger);
}
