import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentInfo } from '../../domain/agent.js';
import { identityConflict } from './agent-identity.js';

const known = { id: 'a1', hostname: 'h1', address: '10.0.0.1' } as AgentInfo;

test('an agent id belongs to one hostname and address', () => {
  assert.equal(identityConflict({ hostname: 'h9', address: '10.0.0.9' }, known), undefined, 'no claim');
  assert.equal(identityConflict({ agentId: 'new', hostname: 'h9', address: 'x' }, undefined), undefined);
  assert.equal(identityConflict({ agentId: 'a1', hostname: 'h1', address: '10.0.0.1' }, known), undefined);
  assert.match(
    identityConflict({ agentId: 'a1', hostname: 'h2', address: '10.0.0.1' }, known)!,
    /agent id a1 belongs to h1 \(10\.0\.0\.1\), not h2/,
  );
  assert.ok(identityConflict({ agentId: 'a1', hostname: 'h1', address: '10.0.0.2' }, known));
});
