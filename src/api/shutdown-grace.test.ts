import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { closeLingeringConnections } from './shutdown-grace.js';

describe('closing the API server', () => {
  it('cuts a connection still busy after the grace, so close() ends', { timeout: 30_000 }, async () => {
    const app = Fastify();
    closeLingeringConnections(app, 100);
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => {
      arrived = r;
    });
    // A request that never gets its answer: without the grace, close() waits for it for ever.
    app.get('/slow', () => {
      arrived();
      return new Promise(() => undefined);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const outcome = new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/slow', agent: false }, (res) =>
        resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end();
    });
    await inFlight;
    await app.close();
    assert.equal(await outcome, 'ECONNRESET');
  });
});
