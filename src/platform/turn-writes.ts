/**
 * The frames sent on a WebSocket during one turn of the event loop leave in ONE socket write.
 * `ws` writes every frame at once (a `writev` system call per message): a master that sends a
 * launch, two acks and a routing patch to an agent in one turn made four calls, and with 1,000
 * agents `writev` was the largest single cost of the master in the placement bench
 * (BENCHMARKS.md). The first frame of a turn corks the connection's socket; the corked sockets
 * are uncorked together once this turn's I/O callbacks have run (setImmediate), so a frame waits
 * at most for the end of the turn that sent it. Nothing else changes: same frames, same order.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const corked = new Set<Socket>();
let uncorkQueued = false;

function uncorkAll(): void {
  uncorkQueued = false;
  const sockets = [...corked];
  corked.clear();
  // A socket ended or destroyed meanwhile was uncorked by its end (or is gone): uncork is a no-op.
  for (const s of sockets) s.uncork();
}

/** Call before `ws.send`: the frame joins this turn's one write on that connection. */
export function batchTurnWrites(ws: WebSocket): void {
  // `ws` keeps its net.Socket there (set once the connection is open; absent before).
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket || corked.has(socket) || socket.destroyed) return;
  socket.cork();
  corked.add(socket);
  if (!uncorkQueued) {
    uncorkQueued = true;
    setImmediate(uncorkAll);
  }
}
