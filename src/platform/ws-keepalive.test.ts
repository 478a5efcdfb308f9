import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { keepAlive } from './ws-keepalive.js';

/** A server and a client socket connected to it; `peer` is the server's end. */
async function pair(): Promise<{ client: WebSocket; peer: WebSocket; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await once(client, 'open');
  const [peer] = (await accepted) as [WebSocket];
  return {
    client,
    peer,
    close: async () => {
      client.terminate();
      peer.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // This side's event loop is stalled (a burst of spawns, a long synchronous step).
  }
}

const INTERVAL = 100;

describe('keepAlive', () => {
  it('drops a peer that stops answering', async () => {
    const { client, peer, close } = await pair();
    try {
      let silent = 0;
      const stop = keepAlive(client, INTERVAL, () => silent++);
      const closed = once(client, 'close');
      // The peer reads nothing more: no pong, no frame.
      (peer as unknown as { _socket: { pause(): void } })._socket.pause();
      await closed;
      stop();
      assert.equal(silent, 1);
    } finally {
      await close();
    }
  });

  it('keeps a live peer while this side itself stalls past the interval, again and again', async () => {
    // The peer answers from its own thread: this side's stall must not stall it.
    const peer = new Worker(
      `const { WebSocketServer } = require('ws');
       const { parentPort } = require('node:worker_threads');
       const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
       wss.on('listening', () => parentPort.postMessage(wss.address().port));
       parentPort.on('message', () => wss.close(() => process.exit(0)));`,
      { eval: true },
    );
    const [port] = (await once(peer, 'message')) as [number];
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await once(client, 'open');
    try {
      let silent = 0;
      // This side stalls right after sending each of its first pings (in the same loop turn, after
      // its I/O, as a burst of spawns does): the pong arrives meanwhile and waits in the socket,
      // unread, while the next interval comes due.
      let stalls = 4;
      const ping = client.ping.bind(client);
      client.ping = (...args: Parameters<WebSocket['ping']>) => {
        ping(...args);
        if (stalls-- > 0) setImmediate(() => blockFor(INTERVAL * 3));
      };
      const stop = keepAlive(client, INTERVAL, () => silent++);
      // A ping goes out every other check at most (the pong counts as traffic): wait for every
      // stall and one more ping, however slowly a loaded machine gets there.
      for (let waited = 0; stalls >= 0 && waited < INTERVAL * 200; waited += INTERVAL)
        await new Promise((r) => setTimeout(r, INTERVAL));
      await new Promise((r) => setTimeout(r, INTERVAL * 4));
      stop();
      assert.ok(stalls < 0, `every stall happened (${stalls} left)`);
      assert.equal(silent, 0);
      assert.equal(client.readyState, WebSocket.OPEN);
    } finally {
      client.terminate();
      peer.postMessage('stop');
      await once(peer, 'exit');
    }
  });

  it("takes the peer's other frames as a sign of life", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await once(wss, 'listening');
    const accepted = once(wss, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await once(client, 'open');
    const [peer] = (await accepted) as [WebSocket];
    try {
      let silent = 0;
      const stop = keepAlive(client, INTERVAL, () => silent++);
      let pings = 0;
      peer.on('ping', () => pings++);
      // The peer never answers pings, but keeps talking.
      const talk = setInterval(() => peer.send('update'), INTERVAL / 4);
      await new Promise((r) => setTimeout(r, INTERVAL * 8));
      clearInterval(talk);
      const pingsWhileTalking = pings;
      assert.equal(silent, 0);
      assert.equal(client.readyState, WebSocket.OPEN);
      // Once it falls silent too, it is dropped.
      await once(client, 'close');
      stop();
      assert.equal(silent, 1);
      // Pinged every interval it would be ~8; a stall of this loaded process may let one or two through.
      assert.ok(pingsWhileTalking <= 3, `a talking peer gets no pings (got ${pingsWhileTalking})`);
    } finally {
      client.terminate();
      peer.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});
