/**
 * A request body trickled a byte at a time, or headers never finished, no longer hold a
 * connection forever: the API server closes it after its request / headers timeout (short here;
 * 60 s / 20 s by default). A real socket, since inject() has no time on the wire.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { buildApiServer } from '../../src/api/server.js';
import { FakeMaster } from '../../src/api/test-support/fake-master.js';

const server = buildApiServer({ master: new FakeMaster(), requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 });
after(() => server.close());

let port: number | undefined;

async function open(): Promise<{ socket: Socket; closed: Promise<string> }> {
  port ??= Number(new URL(await server.listen({ host: '127.0.0.1', port: 0 })).port);
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => {
    received += d.toString();
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  return { socket, closed };
}

/** Sends `start`, then `more` every 200 ms; what the server sent before it closed, or 'STILL OPEN'. */
async function trickle(start: string, more: string): Promise<string> {
  const { socket, closed } = await open();
  socket.write(start);
  // Keep trickling well past the timeout: the server must end it anyway.
  const timer = setInterval(() => socket.writable && socket.write(more), 200);
  const answer = await Promise.race([
    closed,
    new Promise<string>((r) => setTimeout(() => r('STILL OPEN'), 40_000)),
  ]);
  clearInterval(timer);
  socket.destroy();
  return answer;
}

test('a body sent 1 byte at a time is cut off by the request timeout', { timeout: 60_000 }, async () => {
  const answer = await trickle(
    'POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    ' ',
  );
  assert.notEqual(answer, 'STILL OPEN', 'the slow body was never timed out');
  assert.match(answer, /^$|408/, 'closed, or answered 408 Request Timeout');
});

test('headers never finished are cut off by the headers timeout', { timeout: 60_000 }, async () => {
  const answer = await trickle('GET /v2/apps HTTP/1.1\r\nHost: x\r\n', 'X-A: b\r\n');
  assert.notEqual(answer, 'STILL OPEN', 'the slow headers were never timed out');
});
