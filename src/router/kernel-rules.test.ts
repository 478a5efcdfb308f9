import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route, RouteTable } from '../domain/agent-protocol.js';
import { chainOwner, kernelChains, kernelRulesText, setupText, staleChains } from './kernel-rules.js';
import { route as webRoute } from './testing/route-fixture.js';

const chains = kernelChains(4242, 1);

const route = (servicePort: number, ports: number[], over: Partial<Route> = {}) =>
  webRoute(servicePort, ports, over, '127.0.0.2');

const asIs = (r: Route) => r.backends.map((b) => ({ ip: b.host, port: b.port }));

test('chain names carry the owner pid; other chains have no owner', () => {
  assert.deepEqual(chains, { nat: 'DROVER-4242-1', masq: 'DROVER-4242-1-MASQ' });
  assert.equal(chainOwner('DROVER-4242-1'), 4242);
  assert.equal(chainOwner('DROVER-4242-1-MASQ'), 4242);
  for (const other of ['DOCKER', 'DOCKER-USER', 'DROVER-x-1', 'KUBE-SVC-ABC', 'DROVER-1'])
    assert.equal(chainOwner(other), undefined, other);
});

test('a TCP route: a DNAT cascade with equal shares, and the masquerade of forwarded connections', () => {
  const text = kernelRulesText(chains, '127.0.0.1', { routes: [route(10555, [31001, 31002, 31003])] }, asIs);
  const match = '-d 127.0.0.1/32 -p tcp -m tcp --dport 10555 -m comment --comment /web:10555';
  assert.equal(
    text,
    [
      '*nat',
      ':DROVER-4242-1 - [0:0]',
      ':DROVER-4242-1-MASQ - [0:0]',
      `-A DROVER-4242-1 ${match} -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 127.0.0.2:31001`,
      `-A DROVER-4242-1 ${match} -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 127.0.0.2:31002`,
      `-A DROVER-4242-1 ${match} -j DNAT --to-destination 127.0.0.2:31003`,
      '-A DROVER-4242-1-MASQ ! -o lo -p tcp -m conntrack --ctstate DNAT --ctorigdst 127.0.0.1/32 --ctorigdstport 10555 -m comment --comment /web:10555 -j MASQUERADE',
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test('each backend of n gets 1/n of new connections: the cascade probabilities multiply out', () => {
  for (const n of [1, 2, 3, 7, 10]) {
    const ports = Array.from({ length: n }, (_, i) => 30000 + i);
    const lines = kernelRulesText(chains, '127.0.0.1', { routes: [route(10555, ports)] }, asIs)
      .split('\n')
      .filter((l) => l.startsWith('-A DROVER-4242-1 '));
    assert.equal(lines.length, n);
    let reach = 1;
    for (const line of lines) {
      const p = Number(/--probability (\S+)/.exec(line)?.[1] ?? 1);
      assert.ok(Math.abs(reach * p - 1 / n) < 1e-9, `n=${n}: ${line}`);
      reach *= 1 - p;
    }
    assert.ok(Math.abs(reach) < 1e-9, 'the last rule takes all that is left');
  }
});

test('no rule for HTTP-mode routes, routes without backends, or backends without an address', () => {
  const table: RouteTable = {
    routes: [
      route(10001, [31001], { mode: 'http', appId: '/h' }),
      route(10002, [], { appId: '/empty' }),
      route(10003, [31003], { appId: '/named' }),
    ],
  };
  const text = kernelRulesText(chains, '127.0.0.1', table, (r) => (r.appId === '/named' ? [] : asIs(r)));
  assert.equal(text, '*nat\n:DROVER-4242-1 - [0:0]\n:DROVER-4242-1-MASQ - [0:0]\nCOMMIT\n');
});

test('0.0.0.0 matches every local address; app ids are kept to characters a restore file takes as is', () => {
  const text = kernelRulesText(
    chains,
    '0.0.0.0',
    { routes: [route(10555, [31001], { appId: '/a b"c' })] },
    asIs,
  );
  assert.match(
    text,
    /-A DROVER-4242-1 -m addrtype --dst-type LOCAL -p tcp .*--comment \/a_b_c:10555 -j DNAT/,
  );
  assert.doesNotMatch(text, /ctorigdst /);
});

test('setup: empty chains, jumps first in OUTPUT, PREROUTING and POSTROUTING', () => {
  assert.equal(
    setupText(chains),
    [
      '*nat',
      ':DROVER-4242-1 - [0:0]',
      ':DROVER-4242-1-MASQ - [0:0]',
      '-I OUTPUT 1 -m comment --comment drover-router -j DROVER-4242-1',
      '-I PREROUTING 1 -m comment --comment drover-router -j DROVER-4242-1',
      '-I POSTROUTING 1 -m comment --comment drover-router -j DROVER-4242-1-MASQ',
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test('stale chains: only Drover chains of gone pids and the jumps to them', () => {
  const listing = [
    '-P PREROUTING ACCEPT',
    '-N DOCKER',
    '-N DROVER-100-0',
    '-N DROVER-100-0-MASQ',
    '-N DROVER-200-0',
    '-N DROVER-200-0-MASQ',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A PREROUTING -m comment --comment drover-router -j DROVER-100-0',
    '-A PREROUTING -m comment --comment drover-router -j DROVER-200-0',
    '-A OUTPUT -m comment --comment drover-router -j DROVER-100-0',
    '-A POSTROUTING -m comment --comment drover-router -j DROVER-100-0-MASQ',
    '-A DROVER-100-0 -d 127.0.0.1/32 -p tcp -m tcp --dport 10555 -j DNAT --to-destination 127.0.0.1:1',
    '-A DOCKER -i docker0 -j RETURN',
  ].join('\n');
  const { jumps, chains: stale } = staleChains(listing, (pid) => pid === 200);
  assert.deepEqual(stale, ['DROVER-100-0', 'DROVER-100-0-MASQ']);
  assert.deepEqual(jumps, [
    ['PREROUTING', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-100-0'],
    ['OUTPUT', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-100-0'],
    ['POSTROUTING', '-m', 'comment', '--comment', 'drover-router', '-j', 'DROVER-100-0-MASQ'],
  ]);
});
