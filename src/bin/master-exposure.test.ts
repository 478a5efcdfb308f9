import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exposureProblem, isLoopbackHost } from './master-exposure.js';

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});

test('a network-facing master needs an API credential and an agent token, or --insecure', () => {
  const base = { host: '0.0.0.0', hasApiCredentials: false, hasAgentToken: false, insecure: false };
  assert.match(exposureProblem(base)!, /API credential .* and an agent token/);
  assert.match(exposureProblem({ ...base, hasApiCredentials: true })!, /without an agent token/);
  assert.match(exposureProblem({ ...base, hasAgentToken: true })!, /without an API credential/);
  assert.equal(exposureProblem({ ...base, hasApiCredentials: true, hasAgentToken: true }), undefined);
  assert.equal(exposureProblem({ ...base, insecure: true }), undefined);
  assert.equal(exposureProblem({ ...base, host: '127.0.0.1' }), undefined);
});
