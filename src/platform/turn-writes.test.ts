import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { batchTurnWrites } from './turn-writes.js';

/** A connected pair; `writes` counts the server socket's writes to the kernel (_write/_writev). */
async function pair() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise<void>((r, j) => {
    client.once('open', () => r());
    client.once('error', j);
  });
  const server = await serverSide;
  type Write = (...args: unknown[]) => unknown;
  const socket = (server as unknown as { _socket: { _write: Write; _writev: Write } })._socket;
  const counts = { writes: 0 };
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name];
    socket[name] = function (this: unknown, ...args: unknown[]) {
      counts.writes += 1;
      return original.apply(this, args);
    };
  }
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  const close = async () => {
    client.close();
    server.close();
    await new Promise<void>((r) => wss.close(() => r()));
  };
  return { server, counts, received, close };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};

describe('batchTurnWrites', () => {
  it('sends the frames of one turn in one socket write, in order', async () => {
    const p = await pair();
    try {
      for (let i = 0; i < 5; i++) {
        batchTurnWrites(p.server);
        p.server.send(`frame ${i}`);
      }
      assert.equal(p.counts.writes, 0, 'nothing leaves before the turn ends');
      await until(() => p.received.length === 5);
      assert.deepEqual(
        p.received,
        [0, 1, 2, 3, 4].map((i) => `frame ${i}`),
      );
      assert.equal(p.counts.writes, 1);
      // The next turn's frames go in a write of their own.
      batchTurnWrites(p.server);
      p.server.send('later');
      await until(() => p.received.length === 6);
      assert.equal(p.counts.writes, 2);
    } finally {
      await p.close();
    }
  });

  it('without it, the same frames take more than one write (what the test above guards)', async () => {
    const p = await pair();
    try {
      for (let i = 0; i < 5; i++) p.server.send(`frame ${i}`);
      await until(() => p.received.length === 5);
      assert.ok(p.counts.writes > 1, `writes: ${p.counts.writes}`);
    } finally {
      await p.close();
    }
  });

  it('a connection closed in the turn it was corked still sends its frames and its close', async () => {
    const p = await pair();
    try {
      batchTurnWrites(p.server);
      p.server.send('last words');
      p.server.close(1000);
      await until(() => p.received.length === 1);
      assert.deepEqual(p.received, ['last words']);
    } finally {
      await p.close();
    }
  });
});
