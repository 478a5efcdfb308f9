import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskSpec } from '../../../domain/agent-protocol.js';
import type { Container } from '../../../domain/app.js';
import { secretFilePath } from '../../secret-files.js';
import { shellTask } from '../../testing/task-spec.js';
import {
  type ContainerConfigInput,
  containerCreateBody,
  containerName,
  networkModeOf,
  publishedPorts,
  SANDBOX_IN_CONTAINER,
} from './container-config.js';

/** The create body, loosely typed for reading fields back. */
// biome-ignore lint/suspicious/noExplicitAny: the engine's create body is untyped JSON
type Body = Record<string, any>;

const docker = (extra: Partial<NonNullable<Container['docker']>> = {}): NonNullable<Container['docker']> => ({
  image: 'drover-test/http:v1',
  privileged: false,
  parameters: [],
  forcePullImage: false,
  ...extra,
});

function input(spec: TaskSpec, extra: Partial<ContainerConfigInput> = {}): ContainerConfigInput {
  return {
    spec,
    env: { ...spec.env, MESOS_SANDBOX: '/agent/sandboxes/t1' },
    sandbox: '/agent/sandboxes/t1',
    image: 'drover-test/http:v1',
    bindAddress: '127.0.0.2',
    agentName: 'agent-2',
    owner: '/data/agents/agent-2',
    allowPrivileged: false,
    // The fixtures mount /srv/data, which an agent must allow (host-path-policy.ts).
    allowedHostPaths: ['/srv'],
    ...extra,
  };
}

const bridgeSpec = (cmd?: string) =>
  ({
    ...shellTask('web.1', cmd ?? 'x', {
      env: { PORT0: '31001', PORT_80: '31001' },
      ports: [31001, 31002],
      resources: { cpus: 0.5, mem: 64, disk: 0 },
    }),
    ...(cmd === undefined ? { command: { shell: false, argv: [] } } : {}),
    container: {
      type: 'DOCKER',
      docker: docker({
        parameters: [
          { key: 'label', value: 'team=web' },
          { key: 'init', value: 'true' },
        ],
      }),
      portMappings: [
        { containerPort: 80, hostPort: 0, servicePort: 8080, protocol: 'tcp', name: 'http' },
        { containerPort: 0, hostPort: 0, servicePort: 0, protocol: 'tcp,udp' },
      ],
      volumes: [
        { containerPath: '/data', hostPath: '/srv/data', mode: 'RO' },
        { containerPath: '/scratch', hostPath: 'scratch', mode: 'RW' },
      ],
    },
    networks: [{ mode: 'container/bridge' }],
  }) satisfies TaskSpec as TaskSpec;

test('BRIDGE: mappings published on the agent address only; container port 0 is the host port', () => {
  const body = containerCreateBody(input(bridgeSpec())) as Body;
  assert.equal(body.HostConfig.NetworkMode, 'bridge');
  assert.deepEqual(body.HostConfig.PortBindings, {
    '80/tcp': [{ HostIp: '127.0.0.2', HostPort: '31001' }],
    '31002/tcp': [{ HostIp: '127.0.0.2', HostPort: '31002' }],
    '31002/udp': [{ HostIp: '127.0.0.2', HostPort: '31002' }],
  });
  assert.deepEqual(Object.keys(body.ExposedPorts).sort(), ['31002/tcp', '31002/udp', '80/tcp']);
  for (const b of Object.values(body.HostConfig.PortBindings) as Array<Array<{ HostIp: string }>>) {
    assert.ok(
      b.every((x) => x.HostIp !== '0.0.0.0' && x.HostIp !== ''),
      'never on every interface',
    );
  }
});

test('limits, volumes, sandbox mount, env, labels and safe parameters', () => {
  const body = containerCreateBody(input(bridgeSpec())) as Body;
  assert.equal(body.Image, 'drover-test/http:v1');
  assert.equal(body.HostConfig.NanoCpus, 500_000_000);
  assert.equal(body.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(body.HostConfig.Privileged, false);
  assert.equal(body.HostConfig.Init, true);
  assert.deepEqual(body.HostConfig.Binds, [
    `/agent/sandboxes/t1:${SANDBOX_IN_CONTAINER}:rw`,
    '/srv/data:/data:ro',
    '/agent/sandboxes/t1/scratch:/scratch:rw',
  ]);
  assert.ok(body.Env.includes('PORT0=31001'));
  assert.ok(body.Env.includes(`MESOS_SANDBOX=${SANDBOX_IN_CONTAINER}`));
  assert.deepEqual(body.Labels, {
    team: 'web',
    'drover.task-id': 'web.1',
    'drover.app-id': '/test',
    'drover.app-version': '2026-01-01T00:00:00.000Z',
    'drover.agent': 'agent-2',
    'drover.owner': '/data/agents/agent-2',
  });
  assert.equal(body.Tty, false);
  assert.equal(containerName('web.1'), 'drover-web.1');
});

test('cmd runs through /bin/sh -c; args go after the image entrypoint; neither keeps the image defaults', () => {
  const shell = containerCreateBody(input(bridgeSpec('echo $PORT0'))) as Body;
  assert.deepEqual(shell.Entrypoint, ['/bin/sh', '-c']);
  assert.deepEqual(shell.Cmd, ['echo $PORT0']);
  const args = containerCreateBody(
    input({ ...bridgeSpec(), command: { shell: false, argv: ['-p', '80', '-f'] } }),
  ) as Body;
  assert.equal(args.Entrypoint, undefined);
  assert.deepEqual(args.Cmd, ['-p', '80', '-f']);
  const none = containerCreateBody(input(bridgeSpec())) as Body;
  assert.equal(none.Entrypoint, undefined);
  assert.equal(none.Cmd, undefined);
});

test('networks: host, none, named; legacy docker.network when the spec has no networks', () => {
  const base = bridgeSpec();
  assert.deepEqual(networkModeOf({ ...base, networks: [{ mode: 'host' }] }), { kind: 'host' });
  assert.deepEqual(networkModeOf({ ...base, networks: [] }), { kind: 'none' });
  assert.deepEqual(networkModeOf({ ...base, networks: [{ mode: 'container', name: 'dev' }] }), {
    kind: 'named',
    name: 'dev',
  });
  assert.throws(() => networkModeOf({ ...base, networks: [{ mode: 'container' }] }), /needs a name/);
  const { networks: _n, ...legacy } = base;
  const withNet = (network: 'HOST' | 'BRIDGE' | 'NONE') =>
    networkModeOf({ ...legacy, container: { ...base.container!, docker: docker({ network }) } });
  assert.deepEqual(withNet('BRIDGE'), { kind: 'bridge' });
  assert.deepEqual(withNet('HOST'), { kind: 'host' });
  assert.deepEqual(withNet('NONE'), { kind: 'none' });
  const hostBody = containerCreateBody(input({ ...base, networks: [{ mode: 'host' }] })) as Body;
  assert.equal(hostBody.HostConfig.NetworkMode, 'host');
  assert.deepEqual(hostBody.HostConfig.PortBindings, {}, 'host networking publishes nothing');
  assert.deepEqual(publishedPorts({ ...base, ports: [] }), []);
});

test('privileged only where the agent allows it; sandbox-relative volumes cannot climb out', () => {
  const priv = {
    ...bridgeSpec(),
    container: { ...bridgeSpec().container!, docker: docker({ privileged: true }) },
  };
  assert.throws(
    () => containerCreateBody(input(priv)),
    /Privileged containers are not allowed on this agent/,
  );
  const ok = containerCreateBody(input(priv, { allowPrivileged: true })) as Body;
  assert.equal(ok.HostConfig.Privileged, true);
  const climbing = {
    ...bridgeSpec(),
    container: {
      ...bridgeSpec().container!,
      volumes: [{ containerPath: '/x', hostPath: '../../etc', mode: 'RW' as const }],
    },
  };
  assert.throws(() => containerCreateBody(input(climbing)), /leaves the sandbox/);
});

test('a MESOS container with an image: relative container paths live under the sandbox mount', () => {
  const spec: TaskSpec = {
    ...shellTask('ucr.1', 'sleep 1'),
    networks: [{ mode: 'host' }],
    container: {
      type: 'MESOS',
      docker: docker(),
      volumes: [
        { containerPath: 'data', hostPath: 'data', mode: 'RW' },
        { containerPath: '/etc/x', hostPath: 'x', mode: 'RO' },
      ],
    },
  };
  const body = containerCreateBody(input(spec)) as Body;
  assert.deepEqual(body.HostConfig.Binds, [
    `/agent/sandboxes/t1:${SANDBOX_IN_CONTAINER}:rw`,
    `/agent/sandboxes/t1/data:${SANDBOX_IN_CONTAINER}/data:rw`,
    '/agent/sandboxes/t1/x:/etc/x:ro',
  ]);
  assert.ok(body.Env.includes(`MESOS_SANDBOX=${SANDBOX_IN_CONTAINER}`));
  assert.deepEqual(body.Entrypoint, ['/bin/sh', '-c']);
  const climbing: TaskSpec = {
    ...spec,
    container: { ...spec.container!, volumes: [{ containerPath: '../up', hostPath: 'd', mode: 'RW' }] },
  };
  assert.throws(() => containerCreateBody(input(climbing)), /containerPath \.\.\/up leaves the sandbox/);
});

test('a disallowed parameter that slipped past validation is refused on the agent too', () => {
  const bad = {
    ...bridgeSpec(),
    container: {
      ...bridgeSpec().container!,
      docker: docker({ parameters: [{ key: 'userns', value: 'host' }] }),
    },
  };
  assert.throws(() => containerCreateBody(input(bad)), /not supported/);
});

test('host-widening parameters are refused on an agent without --allow-privileged, mapped with it', () => {
  const wide = {
    ...bridgeSpec(),
    container: {
      ...bridgeSpec().container!,
      docker: docker({
        parameters: [
          { key: 'pid', value: 'host' },
          { key: 'cap-add', value: 'NET_ADMIN' },
        ],
      }),
    },
  };
  assert.throws(
    () => containerCreateBody(input(wide)),
    /pid=host, cap-add=NET_ADMIN need an agent started with --allow-privileged/,
  );
  const body = containerCreateBody({ ...input(wide), allowPrivileged: true }) as Body;
  assert.equal(body.HostConfig.PidMode, 'host');
  assert.deepEqual(body.HostConfig.CapAdd, ['NET_ADMIN']);
});

test("a sandbox path with ':' (a Chronos task id) is mounted through Mounts, not a Binds string", () => {
  const body = containerCreateBody({
    ...input(bridgeSpec()),
    sandbox: '/agent/sandboxes/ct:1767225600000:0:job:',
  }) as Body;
  assert.deepEqual(body.HostConfig.Binds, ['/srv/data:/data:ro']);
  assert.deepEqual(body.HostConfig.Mounts, [
    {
      Type: 'bind',
      Source: '/agent/sandboxes/ct:1767225600000:0:job:',
      Target: SANDBOX_IN_CONTAINER,
      ReadOnly: false,
    },
    {
      Type: 'bind',
      Source: '/agent/sandboxes/ct:1767225600000:0:job:/scratch',
      Target: '/scratch',
      ReadOnly: false,
    },
  ]);
});

test('container names stay valid and distinct for Chronos task ids', () => {
  assert.equal(containerName('web.0b9a'), 'drover-web.0b9a');
  const a = containerName('ct:1:0:a:b');
  const b = containerName('ct:1:0:a_b:');
  assert.match(a, /^drover-[a-zA-Z0-9_.-]+$/);
  assert.notEqual(a, b);
});

test('a hostPath outside the sandbox and --allowed-host-paths, or the Docker socket, is refused', () => {
  const withVolume = (hostPath: string) => {
    const spec = bridgeSpec('x');
    const volumes = [{ containerPath: '/x', hostPath, mode: 'RW' as const }];
    return input({ ...spec, container: { ...spec.container!, volumes } }, { allowedHostPaths: [] });
  };
  assert.throws(() => containerCreateBody(withVolume('/etc')), /outside the task's sandbox/);
  assert.throws(() => containerCreateBody(withVolume('/')), /Docker socket/);
  assert.throws(() => containerCreateBody(withVolume('/srv/data')), /allowed-host-paths/);
  assert.throws(() => containerCreateBody(withVolume('/var/run/docker.sock')), /Docker socket/);
  const ok = containerCreateBody(withVolume('data')) as Body;
  assert.ok(
    ok.HostConfig.Binds.includes('/agent/sandboxes/t1/data:/x:rw'),
    JSON.stringify(ok.HostConfig.Binds),
  );
});

test('secret volumes: an absolute one is bound read-only from the sandbox, a relative one is in the sandbox mount', () => {
  const spec = bridgeSpec();
  const volumes = [
    { containerPath: '/run/secrets/pw', secret: 'pw' },
    { containerPath: 'conf/pw', secret: 'pw' },
  ];
  const body = containerCreateBody(input({ ...spec, container: { ...spec.container!, volumes } })) as Body;
  assert.deepEqual(body.HostConfig.Binds, [
    `/agent/sandboxes/t1:${SANDBOX_IN_CONTAINER}:rw`,
    `${secretFilePath('/agent/sandboxes/t1', '/run/secrets/pw')}:/run/secrets/pw:ro`,
  ]);
});
