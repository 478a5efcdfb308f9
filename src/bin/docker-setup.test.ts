import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DockerEngine } from '../agent/executors/docker/engine-client.js';
import { dockerStatusLine } from './docker-setup.js';

test('the Docker status line says why Docker tasks are disabled', () => {
  assert.match(dockerStatusLine(undefined, { docker: 'off' }), /^Docker tasks disabled \(--docker off\)/);
  assert.doesNotMatch(dockerStatusLine(undefined, { docker: 'off' }), /no engine answered/);
  assert.match(dockerStatusLine(undefined, { docker: 'auto' }), /\(no engine answered\)/);
  assert.match(dockerStatusLine(undefined), /\(no engine answered\)/);
  const engine = { socketPath: '/run/docker.sock' } as DockerEngine;
  assert.equal(
    dockerStatusLine(engine, { docker: 'auto' }),
    'Docker tasks enabled (engine on /run/docker.sock)',
  );
});
