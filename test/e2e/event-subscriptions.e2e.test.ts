/**
 * Marathon's `/v2/eventSubscriptions` against a real `drover up` (issue 13): Debian's
 * python3-marathon subscribes, lists and unsubscribes a callback served by an HTTP receiver on
 * 127.0.0.1; the receiver gets every event as the same JSON `/v2/events` streams (compared for
 * an api_post_event and a status update); the subscription survives a restart of drover; a
 * subscriber whose URL refuses connections is dropped after failing for 60 s, with an
 * unsubscribe_event the live subscriber receives. A missing python3-marathon is a failure.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DroverProcess } from './support/drover-process.js';
import { EventStream } from './support/event-stream.js';
import { waitFor } from './support/wait-for.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

type Json = Record<string, unknown>;

/** An HTTP callback receiver: records each POSTed body, raw and parsed. */
async function receiver(): Promise<{ server: Server; url: string; bodies: string[]; events: Json[] }> {
  const bodies: string[] = [];
  const events: Json[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method === 'POST') {
        bodies.push(body);
        events.push(JSON.parse(body) as Json);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/events`, bodies, events };
}

/** A 127.0.0.1 URL nobody listens on (a port taken and released). */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/gone`;
}

async function py(base: string, code: string): Promise<unknown> {
  const script = `import json, sys\nfrom marathon import MarathonClient\nc = MarathonClient(sys.argv[1])\n${code}`;
  const { stdout } = await run(PYTHON, ['-c', script, base], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

test('/v2/eventSubscriptions: python3-marathon subscribes, events arrive as SSE JSON, survive a restart, a dead subscriber is dropped', {
  timeout: 300_000,
}, async (t) => {
  try {
    await run(PYTHON, ['-c', 'import marathon']);
  } catch (err) {
    assert.fail(`Debian's python3-marathon is not importable by ${PYTHON}: ${(err as Error).message}`);
  }
  const rx = await receiver();
  t.after(() => new Promise<void>((r) => rx.server.close(() => r())));
  const dead = await deadUrl();
  const drover = await DroverProcess.startFor(t);
  const sse = await EventStream.open(drover.url);
  t.after(() => sse.close());

  // Subscribe through the Python client: Marathon's subscribe_event comes back.
  const created = (await py(
    drover.url,
    `print(json.dumps(c.create_event_subscription(${JSON.stringify(rx.url)})))`,
  )) as Json;
  assert.equal(created.eventType, 'subscribe_event');
  assert.equal(created.callbackUrl, rx.url);
  assert.equal(created.clientIp, '127.0.0.1');
  assert.match(String(created.timestamp), /^\d{4}-\d\d-\d\dT/);
  await drover.api.json(
    'POST',
    `/v2/eventSubscriptions?callbackUrl=${encodeURIComponent(dead)}`,
    undefined,
    [200],
  );
  assert.deepEqual(await py(drover.url, 'print(json.dumps(c.list_event_subscriptions()))'), [rx.url, dead]);
  const info = await drover.api.get<{ event_subscriber: { type: string; http_endpoints: string[] } }>(
    '/v2/info',
  );
  assert.deepEqual(info.event_subscriber, { type: 'http_callback', http_endpoints: [rx.url, dead] });
  const bad = await drover.api.raw('POST', '/v2/eventSubscriptions?callbackUrl=ftp%3A%2F%2Fx');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /callbackUrl/);

  // The subscriber received its own subscribe_event, then sees an app's events.
  await waitFor(() => rx.events.some((e) => e.eventType === 'subscribe_event' && e.callbackUrl === rx.url), {
    what: 'the subscribe_event at the receiver',
  });
  await drover.api.json('POST', '/v2/apps', { id: '/subs/web', cmd: 'sleep 1000', cpus: 0.1, mem: 16 });
  const running = await waitFor(
    () =>
      rx.events.find(
        (e) =>
          e.eventType === 'status_update_event' && e.appId === '/subs/web' && e.taskStatus === 'TASK_RUNNING',
      ),
    { what: 'TASK_RUNNING at the receiver', timeoutMs: 60_000 },
  );
  // Byte for byte what /v2/events sends for the same events.
  for (const type of ['api_post_event', 'status_update_event']) {
    const viaSse = await waitFor(
      () =>
        sse
          .ofType(type)
          .find(
            (e) =>
              e.data.appId === '/subs/web' || (e.data.appDefinition as Json | undefined)?.id === '/subs/web',
          ),
      {
        what: `${type} on /v2/events`,
      },
    );
    const viaCallback = rx.bodies.find((b) => JSON.stringify(JSON.parse(b)) === JSON.stringify(viaSse.data));
    assert.ok(viaCallback, `${type}: the callback body equals the SSE data ${JSON.stringify(viaSse.data)}`);
  }
  assert.equal(running.appId, '/subs/web');

  // Durable: after a restart the subscription is still there and events still arrive.
  await drover.restart();
  assert.deepEqual(
    (await drover.api.get<{ callbackUrls: string[] }>('/v2/eventSubscriptions')).callbackUrls,
    [rx.url, dead],
  );
  const before = rx.events.length;
  await drover.api.json('PUT', '/v2/apps/subs/web', { cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 2 });
  await waitFor(() => rx.events.slice(before).some((e) => e.eventType === 'deployment_success'), {
    what: 'a deployment_success after the restart',
    timeoutMs: 60_000,
  });

  // The dead subscriber has failed since the restart: dropped after 60 s, announced, logged.
  const dropped = await waitFor(
    () => rx.events.find((e) => e.eventType === 'unsubscribe_event' && e.callbackUrl === dead),
    { what: 'the dead subscriber dropped', timeoutMs: 120_000, intervalMs: 500 },
  );
  assert.equal(dropped.callbackUrl, dead);
  assert.match(drover.output(), /event subscriber dropped: its callback failed for 60 s/);
  assert.deepEqual(
    (await drover.api.get<{ callbackUrls: string[] }>('/v2/eventSubscriptions')).callbackUrls,
    [rx.url],
  );

  // Unsubscribe through the Python client.
  const deleted = (await py(
    drover.url,
    `print(json.dumps(c.delete_event_subscription(${JSON.stringify(rx.url)})))`,
  )) as Json;
  assert.equal(deleted.eventType, 'unsubscribe_event');
  assert.equal(deleted.callbackUrl, rx.url);
  assert.deepEqual(await py(drover.url, 'print(json.dumps(c.list_event_subscriptions()))'), []);
  const after = rx.events.length;
  const sse2 = await EventStream.open(drover.url);
  t.after(() => sse2.close());
  await drover.api.json('DELETE', '/v2/apps/subs/web', undefined, [200]);
  await waitFor(() => sse2.ofType('app_terminated_event').length > 0, {
    what: 'app_terminated_event on /v2/events',
    timeoutMs: 30_000,
  });
  assert.ok(
    rx.events.slice(after).every((e) => e.eventType !== 'app_terminated_event'),
    'nothing delivered after unsubscribing',
  );
});
