/**
 * The peer of the read-view bench: plain Fastify answering fixed bytes from memory, nothing else
 * (no hooks, no lookups). Run as its own process so it gets a core of its own as Drover does.
 *
 *   node --import tsx bench/support/bytes-peer.ts <dir>
 *
 * Serves every `<dir>/<n>.body` at the URL path written in `<dir>/<n>.path`, with the content
 * type in `<dir>/<n>.type`; prints `port <n>` once it listens on 127.0.0.1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';

const dir = process.argv[2] ?? '.';
const app = Fastify({ logger: false });
for (const f of readdirSync(dir).filter((n) => n.endsWith('.body'))) {
  const base = join(dir, f.slice(0, -'.body'.length));
  const bytes = readFileSync(`${base}.body`);
  const type = readFileSync(`${base}.type`, 'utf8');
  const path = readFileSync(`${base}.path`, 'utf8');
  app.get(path, async (_req, reply) => reply.type(type).send(bytes));
}
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`port ${new URL(address).port}`);
