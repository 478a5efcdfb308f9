import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import dnsPacket, { type Packet } from 'dns-packet';
import type { AppDefinition } from '../domain/app.js';
import type { TaskRecord } from '../domain/task.js';
import { createLogger } from '../platform/logger.js';
import { startDnsServer } from './dns-server.js';

const logger = createLogger({ level: 'silent' });

const apps = [{ id: '/shop/web', portDefinitions: [{ port: 10001, protocol: 'tcp' }] }] as AppDefinition[];
const tasks = [
  { id: 'shop_web.a', appId: '/shop/web', host: '127.0.0.2', ports: [25001], state: 'TASK_RUNNING' },
] as TaskRecord[];

type Reply = Packet & { rcode?: string };

async function ask(port: number, name: string, type: 'A' | 'SRV'): Promise<Reply> {
  const s = createSocket('udp4');
  try {
    return await new Promise<Reply>((resolve, reject) => {
      s.once('message', (m) => resolve(dnsPacket.decode(m)));
      s.once('error', reject);
      s.send(dnsPacket.encode({ type: 'query', id: 7, questions: [{ type, name }] }), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

test('answers A and SRV from the master state; NXDOMAIN, REFUSED and SERVFAIL otherwise', async (t) => {
  let leading = true;
  const server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    master: {
      listApps: () => {
        if (!leading) throw new Error('not the leader');
        return apps;
      },
      listAllTasks: () => tasks,
    },
  });
  t.after(() => server.close());
  const a = await ask(server.port, 'web.shop.marathon.drover', 'A');
  assert.equal(a.id, 7);
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(
    a.answers?.map((x) => [x.type, x.name, 'data' in x ? x.data : undefined]),
    [['A', 'web.shop.marathon.drover', '127.0.0.2']],
  );
  const srv = await ask(server.port, '_web._tcp.shop.marathon.drover', 'SRV');
  const rec = srv.answers?.[0] as { data: { port: number; target: string } };
  assert.equal(rec.data.port, 25001);
  assert.equal(rec.data.target, 'shop-web-a.web.shop.marathon.drover');
  assert.deepEqual(
    srv.additionals?.map((x) => ['data' in x ? x.data : undefined]),
    [['127.0.0.2']],
  );
  assert.equal((await ask(server.port, 'nope.marathon.drover', 'A')).rcode, 'NXDOMAIN');
  assert.equal((await ask(server.port, 'example.com', 'A')).rcode, 'REFUSED');
  leading = false;
  assert.equal((await ask(server.port, 'web.shop.marathon.drover', 'A')).rcode, 'SERVFAIL');
});
