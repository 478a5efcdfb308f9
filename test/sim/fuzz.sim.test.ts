/**
 * Issue 12's fuzz suite: every route of the API (Marathon, Chronos, Drover's own), found from the
 * server itself, gets requests generated from the TypeBox schemas (fast-check) plus hand-written
 * nasties (invalid JSON, 10,000-level nesting, 1 MB ids, `__proto__` keys, encoded `..`, control
 * characters, bodies over the limit, odd query values), in-process with inject(), over a real
 * master and job runtime (memory store, fake clock). Checked: never a 5xx, never a crash (an
 * exception out of inject, an unhandled rejection), and the store unchanged by every refused
 * (4xx) request. Bounded: a fixed number of generated requests per route, seeded, so it runs in
 * well under a minute; the count tried is printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { GroupBodySchema } from '../../src/deploy/group-body.js';
import { AppInputSchema } from '../../src/domain/app-schema.js';
import { JobSim } from './job-sim.js';
import { arbitraryOf } from './schema-arbitrary.js';

const BODY_LIMIT = 64 * 1024;
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 12);

interface Route {
  method: string;
  path: string;
}

/** Every route the server has, from its own route tree (so a new route is fuzzed without asking). */
function routesOf(server: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)(?:├── |└── )(\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const seg = m[2] === '*' ? '/*' : m[2]!;
    stack.push(seg);
    for (const method of m[3]!.split(', ')) {
      if (method !== 'HEAD') out.push({ method, path: stack.join('') });
    }
  }
  return out;
}

const idValues = fc.oneof(
  fc.constantFrom(
    'web',
    'g/web',
    'g',
    'nope',
    'j',
    '..',
    '%2e%2e/%2e%2e/web',
    '%2Fweb',
    'a%00b',
    '%',
    '%%',
    '%ZZ',
    'web/tasks',
    'web/versions',
    'web/restart',
    'web/versions/2026-01-01T00:00:00.000Z',
    'x'.repeat(300),
    '8640000000000001',
    '-1',
    '1e400',
    '\u202e',
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const queryValues = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?force=true',
    '?force=maybe',
    '?force',
    '?embed=apps.tasks&embed=apps.counts&embed=nope',
    '?tail=-1',
    '?tail=1e99',
    '?tail=abc',
    '?limit=999999999999',
    '?before=8640000000000001',
    '?stream=etc',
    '?scale=true&wipe=true',
    '?label=a==b',
    '?id=%2F..%2F',
    '?partialUpdate=false',
    '?a[b]=c&a[__proto__]=x',
    `?x=${'y'.repeat(5000)}`,
  ),
  fc
    .dictionary(
      fc.constantFrom('force', 'tail', 'embed', 'limit', 'stream', 'attempt', '__proto__'),
      fc.string({ maxLength: 8 }),
      {
        maxKeys: 3,
      },
    )
    .map((d) => `?${new URLSearchParams(d).toString()}`),
);

function deepNesting(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const nastyBodies: Array<{ what: string; payload: string; type?: string }> = [
  { what: 'invalid JSON', payload: '{"id": ' },
  { what: 'trailing garbage', payload: '{"id": "/a"} x' },
  { what: '10,000-level nesting (array)', payload: deepNesting(10_000) },
  { what: '10,000-level nesting (object)', payload: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` },
  { what: '1 MB id', payload: JSON.stringify({ id: `/${'a'.repeat(1024 * 1024)}`, cmd: 'x' }) },
  {
    what: '__proto__ keys',
    payload: '{"id":"/p","cmd":"x","__proto__":{"instances":5},"env":{"__proto__":"x"}}',
  },
  { what: 'constructor.prototype', payload: '{"constructor":{"prototype":{"polluted":true}}}' },
  { what: 'encoded .. in an id', payload: JSON.stringify({ id: '/a/%2e%2e/%2e%2e/b', cmd: 'x' }) },
  {
    what: 'control characters',
    payload: JSON.stringify({ id: '/c\u0000\u0007\u001b[31m', cmd: 'x\u0000y', env: { 'A\n': 'b\r\n' } }),
  },
  { what: 'lone surrogates', payload: '{"id":"/\\ud800","cmd":"\\udfff"}' },
  { what: 'body over the limit', payload: JSON.stringify({ id: '/big', cmd: 'x'.repeat(BODY_LIMIT + 10) }) },
  { what: 'huge number', payload: '{"id":"/n","cmd":"x","instances":1e999}' },
  { what: 'not an object', payload: '"just a string"' },
  { what: 'null', payload: 'null' },
  { what: 'empty', payload: '' },
  { what: 'form body', payload: 'id=/a&cmd=x', type: 'application/x-www-form-urlencoded' },
  { what: 'text body', payload: 'hello', type: 'text/plain' },
  { what: 'wrong charset', payload: '{"id":"/a"}', type: 'application/json; charset=utf-16' },
  { what: 'array of apps', payload: JSON.stringify([{ id: '/x', cmd: 'x' }, 1, null]) },
];

describe('API fuzz suite (simulation, inject)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  let tried = 0;
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    sim = await JobSim.create({ start: Date.UTC(2026, 0, 1) });
    api = buildApiServer({
      master: sim.master,
      jobs: sim.master.jobs,
      clock: sim.clock,
      bodyLimit: BODY_LIMIT,
    });
    // Something to hit: an app in a group, a job.
    const res = await api.inject({
      method: 'POST',
      url: '/v2/apps',
      payload: { id: '/g/web', cmd: 'sleep 1000', instances: 1, cpus: 0.1, mem: 16 },
    });
    assert.equal(res.statusCode, 201, res.body);
    await sim.put('iso8601', { name: 'j', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H' });
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await api?.close();
    await sim?.stop();
  });

  /**
   * What only requests change: definitions and group versions. Tasks and deployments also move
   * by the master's own loops (a deployment accepted earlier finishing), so they are not compared.
   */
  async function snapshot(): Promise<string> {
    const s = sim.store;
    return JSON.stringify([await s.listApps(), await s.listJobs(), await s.listRootGroupVersions()]);
  }

  async function attempt(req: InjectOptions, what: string): Promise<void> {
    tried++;
    const beforeState = await snapshot();
    let status: number;
    let body = '';
    try {
      const res = await api.inject(req);
      status = res.statusCode;
      body = res.body;
    } catch (err) {
      problems.push(`${what}: inject threw ${String(err).slice(0, 200)}`);
      return;
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500) problems.push(`${what}: ${status} ${body.slice(0, 200)}`);
    if (status >= 400 && (await snapshot()) !== beforeState)
      problems.push(`${what}: refused (${status}) but the store changed`);
    // Accepted changes are let through (to keep later requests meaningful) but never left running.
    await sim.clock.advance(0);
  }

  it('every route: generated and hand-written requests; never a 5xx, a crash or a change by a refused one', {
    timeout: 120_000,
  }, async (t) => {
    const routes = routesOf(api);
    assert.ok(routes.length >= 30, `found ${routes.length} routes`);
    const appBody = arbitraryOf(AppInputSchema as never);
    const groupBody = arbitraryOf(GroupBodySchema as never);
    const jobBody = fc.record(
      {
        name: fc.oneof(fc.constantFrom('j', 'k', 'j-2', '', 'x'.repeat(300)), fc.string({ maxLength: 10 })),
        command: fc.oneof(fc.constant('true'), fc.string({ maxLength: 10 })),
        schedule: fc.oneof(
          fc.constantFrom(
            'R/2030-01-01T00:00:00Z/PT1H',
            'R0/2030-01-01T00:00:00Z/PT0S',
            'R-1//P',
            '* * * * *',
            '',
          ),
          fc.string({ maxLength: 20 }),
        ),
        parents: fc.array(fc.constantFrom('j', 'k', 'nope', ''), { maxLength: 2 }),
        retries: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(1e9)),
        environmentVariables: fc.array(
          fc.record({ name: fc.string({ maxLength: 5 }), value: fc.string({ maxLength: 5 }) }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    );
    const bodyFor = (path: string) =>
      path.startsWith('/v2/groups')
        ? groupBody
        : /scheduler|\/v1\//.test(path)
          ? jobBody
          : path.startsWith('/v2/apps')
            ? fc.oneof(appBody, fc.array(appBody, { maxLength: 2 }))
            : fc.jsonValue({ maxDepth: 3 });

    let n = 0;
    for (const route of routes) {
      if (route.path === '/v2/events') continue; // a stream: never ends by itself (tested in events/)
      // The first parameter gets one value, any later ones another (a job name, then a due time).
      const fill = (id: string, id2 = id) => {
        let i = 0;
        return route.path.replace(/:[A-Za-z]+/g, () => (i++ === 0 ? id : id2)).replace('/*', `/${id}`);
      };
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const req = fc.record({
        id: idValues,
        id2: idValues,
        query: queryValues,
        body: hasBody ? bodyFor(route.path) : fc.constant(undefined),
      });
      for (const sample of fc.sample(req, { numRuns: RUNS_PER_ROUTE, seed: SEED + n++ })) {
        const url = `${fill(sample.id, sample.id2)}${sample.query}`;
        await attempt(
          {
            method: route.method as InjectOptions['method'],
            url,
            ...(sample.body === undefined
              ? {}
              : { payload: JSON.stringify(sample.body), headers: { 'content-type': 'application/json' } }),
          },
          `${route.method} ${url.slice(0, 120)}`,
        );
      }
      if (hasBody) {
        for (const b of nastyBodies) {
          await attempt(
            {
              method: route.method as InjectOptions['method'],
              url: fill('web'),
              payload: b.payload,
              headers: { 'content-type': b.type ?? 'application/json' },
            },
            `${route.method} ${route.path} with ${b.what}`,
          );
        }
      }
    }
    // The findings of the abuse run, by name.
    for (const prefix of ['/scheduler', '/v1/scheduler']) {
      await attempt(
        { method: 'GET', url: `${prefix}/job/j/runs/8640000000000001/logs` },
        `${prefix} run logs past the Date range`,
      );
    }
    await attempt({ method: 'GET', url: '/v2/apps/g%2Fweb' }, 'encoded slash');
    // Odd headers on a few reads.
    for (const headers of [
      { accept: 'text/plain' },
      { accept: '*/*;q=abc' },
      { 'last-event-id': '-1' },
      { authorization: 'Basic %%%' },
      { 'content-type': 'application/json', 'content-length': '5' },
    ]) {
      await attempt(
        { method: 'GET', url: '/v2/apps', headers },
        `GET /v2/apps with ${JSON.stringify(headers)}`,
      );
    }

    const byStatus = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    const summary = `fuzz: ${tried} requests tried over ${routes.length} routes (seed ${SEED}); statuses ${byStatus}`;
    t.diagnostic(summary);
    console.log(summary);
    // Generated requests must reach past the first check, or the suite tests only the parser.
    assert.ok(
      [...statuses.keys()].some((k) => k >= 200 && k < 300),
      'some requests were accepted',
    );
    assert.ok(statuses.has(422), 'some reached validation');
    for (const p of problems.slice(0, 30)) t.diagnostic(`problem: ${p}`);
    assert.deepEqual(unhandled.map(String), [], 'unhandled rejections');
    assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
  });
});
