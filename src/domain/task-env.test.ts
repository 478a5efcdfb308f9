import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAppDefinition } from './app-validate.js';
import { stampVersion } from './app-version.js';
import { taskEnv } from './task-env.js';

const V = '2026-01-01T00:00:00.000Z';
const define = (input: Record<string, unknown>) => stampVersion(parseAppDefinition(input), V);

test('BRIDGE: PORTn are host ports, PORT_<containerPort> and PORT_<NAME> map to them', () => {
  const app = define({
    id: '/web',
    container: {
      type: 'DOCKER',
      docker: {
        image: 'drover-test/http:v1',
        network: 'BRIDGE',
        portMappings: [
          { containerPort: 80, hostPort: 0, name: 'http' },
          { containerPort: 0, hostPort: 0 },
          { containerPort: 9000, hostPort: 0, protocol: 'udp', name: 'metrics' },
        ],
      },
    },
  });
  const env = taskEnv({ app, taskId: 'web.1', host: '127.0.0.2', hostPorts: [31001, 31002, 31003] });
  assert.equal(env.PORT0, '31001');
  assert.equal(env.PORT1, '31002');
  assert.equal(env.PORT2, '31003');
  assert.equal(env.PORT, '31001');
  assert.equal(env.PORTS, '31001,31002,31003');
  assert.equal(env.PORT_80, '31001', 'container port 80 is reached on host port 31001');
  assert.equal(env.PORT_HTTP, '31001');
  // Container port 0 means the container listens on the host port itself (Marathon's docs).
  assert.equal(env.PORT_31002, '31002');
  assert.equal(env.PORT_9000, '31003');
  assert.equal(env.PORT_METRICS, '31003');
  assert.equal(env.HOST, '127.0.0.2');
  assert.equal(env.MARATHON_APP_DOCKER_IMAGE, 'drover-test/http:v1');
});

test('HOST networking: PORTn are the allocated host ports', () => {
  const app = define({
    id: '/web',
    container: { type: 'DOCKER', docker: { image: 'x', network: 'HOST' } },
    portDefinitions: [{ port: 0, name: 'http' }],
  });
  const env = taskEnv({ app, taskId: 'web.1', host: '127.0.0.1', hostPorts: [31005] });
  assert.equal(env.PORT0, '31005');
  assert.equal(env.PORT_HTTP, '31005');
  assert.equal(env.PORT_31005, '31005');
});
