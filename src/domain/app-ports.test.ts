import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NETWORK_MESSAGES } from './app-networking.js';
import { PORT_MESSAGES } from './app-ports.js';
import { parseAppDefinition } from './app-validate.js';
import { isDroverError } from './errors.js';

function problems(input: unknown): Record<string, string[]> {
  try {
    parseAppDefinition(input);
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
  }
  return assert.fail(`expected a 422 for ${JSON.stringify(input)}`);
}

const app = (extra: Record<string, unknown> = {}) => ({ id: '/web', cmd: 'sleep 100', ...extra });
const docker = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  id: '/web',
  container: { type: 'DOCKER', docker: { image: 'nginx', ...extra }, ...container },
});

test('one random port by default, [] for none, ports become portDefinitions', () => {
  assert.deepEqual(parseAppDefinition(app()).portDefinitions, [{ port: 0, protocol: 'tcp' }]);
  assert.deepEqual(parseAppDefinition(app({ portDefinitions: [] })).portDefinitions, []);
  assert.deepEqual(parseAppDefinition(app({ ports: [] })).portDefinitions, []);
  assert.deepEqual(parseAppDefinition(app({ ports: [8080, 0] })).portDefinitions, [
    { port: 8080, protocol: 'tcp' },
    { port: 0, protocol: 'tcp' },
  ]);
});

test('portDefinitions keep protocol, name and labels', () => {
  const a = parseAppDefinition(
    app({
      portDefinitions: [
        { port: 0, protocol: 'udp', name: 'dns', labels: { VIP_0: '1.1.1.1:53' } },
        { name: 'http-api' },
      ],
      requirePorts: true,
    }),
  );
  assert.deepEqual(a.portDefinitions, [
    { port: 0, protocol: 'udp', name: 'dns', labels: { VIP_0: '1.1.1.1:53' } },
    { port: 0, protocol: 'tcp', name: 'http-api' },
  ]);
  assert.equal(a.requirePorts, true);
});

test('ports and portDefinitions together only when they agree (older GET output)', () => {
  const a = parseAppDefinition(app({ ports: [10000], portDefinitions: [{ port: 10000, protocol: 'tcp' }] }));
  assert.deepEqual(a.portDefinitions, [{ port: 10000, protocol: 'tcp' }]);
  assert.deepEqual(problems(app({ ports: [1], portDefinitions: [{ port: 2 }] })), {
    '/': [PORT_MESSAGES.bothPortsAndDefinitions],
  });
});

test('non-zero ports must be unique; port names unique and well-formed', () => {
  assert.deepEqual(problems(app({ ports: [8080, 8080] })), { '/': [PORT_MESSAGES.portsUnique] });
  assert.deepEqual(parseAppDefinition(app({ ports: [0, 0] })).portDefinitions.length, 2);
  assert.deepEqual(problems(app({ portDefinitions: [{ port: 80 }, { port: 80 }] })), {
    '/portDefinitions': [PORT_MESSAGES.definitionsUnique],
  });
  assert.deepEqual(problems(app({ portDefinitions: [{ name: 'a' }, { name: 'a' }] })), {
    '/portDefinitions': [PORT_MESSAGES.namesUnique],
  });
  assert.deepEqual(problems(app({ portDefinitions: [{ name: 'Bad_Name' }] })), {
    '/portDefinitions(0)/name': [PORT_MESSAGES.name],
  });
});

test('port numbers and protocols are range- and enum-checked', () => {
  assert.deepEqual(problems(app({ ports: [70000] })), {
    '/ports(0)': ['got 70000, expected between 0 and 65535'],
  });
  assert.deepEqual(problems(app({ portDefinitions: [{ port: 80, protocol: 'sctp' }] })), {
    '/portDefinitions(0)/protocol': ['is not one of (tcp,udp,tcp,udp)'],
  });
  assert.equal(
    parseAppDefinition(app({ portDefinitions: [{ protocol: 'tcp,udp' }] })).portDefinitions[0]?.protocol,
    'tcp,udp',
  );
});

test('docker fields are stored with their defaults', () => {
  const a = parseAppDefinition(
    docker(
      { parameters: [{ key: 'label', value: 'x=y' }], forcePullImage: true },
      {
        volumes: [{ containerPath: '/data', hostPath: '/srv/data', mode: 'RW' }],
      },
    ),
  );
  assert.deepEqual(a.container, {
    type: 'DOCKER',
    docker: {
      image: 'nginx',
      privileged: false,
      parameters: [{ key: 'label', value: 'x=y' }],
      forcePullImage: true,
    },
    volumes: [{ containerPath: '/data', hostPath: '/srv/data', mode: 'RW' }],
  });
  assert.deepEqual(a.networks, [{ mode: 'host' }]);
  assert.deepEqual(a.portDefinitions, [{ port: 0, protocol: 'tcp' }]);
});

test('container type defaults to DOCKER, which needs docker.image', () => {
  assert.equal(
    parseAppDefinition({ id: '/a', container: { docker: { image: 'x' } } }).container?.type,
    'DOCKER',
  );
  assert.deepEqual(problems(app({ container: { type: 'DOCKER' } })), {
    '/container/docker': [NETWORK_MESSAGES.dockerMissing],
  });
  assert.deepEqual(problems(docker({ image: '' }))['/container/docker/image'], ['must not be empty']);
  assert.deepEqual(problems(app({ container: { type: 'RKT' } })), {
    '/container/type': ['is not one of (DOCKER,MESOS)'],
  });
  assert.deepEqual(problems(docker({ network: 'OVERLAY' })), {
    '/container/docker/network': ['is not one of (HOST,BRIDGE,USER,NONE)'],
  });
});

test('BRIDGE: networks translated, portMappings moved to the container, default host port 0', () => {
  const a = parseAppDefinition(
    docker({ network: 'BRIDGE', portMappings: [{ containerPort: 80, name: 'http' }] }),
  );
  assert.deepEqual(a.networks, [{ mode: 'container/bridge' }]);
  assert.equal(a.container?.docker?.network, 'BRIDGE');
  assert.equal(a.container?.docker?.portMappings, undefined);
  assert.deepEqual(a.container?.portMappings, [
    { containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', name: 'http' },
  ]);
  assert.deepEqual(a.portDefinitions, []);
  assert.equal(a.requirePorts, false);
});

test('bridge networking without portMappings gets one default mapping', () => {
  const a = parseAppDefinition({ ...docker(), networks: [{ mode: 'container/bridge' }] });
  assert.deepEqual(a.container?.portMappings, [
    { containerPort: 0, hostPort: 0, servicePort: 0, protocol: 'tcp' },
  ]);
});

test('USER networking joins the named container network', () => {
  const a = parseAppDefinition({ ...docker({ network: 'USER' }), ipAddress: { networkName: 'dcos' } });
  assert.deepEqual(a.networks, [{ mode: 'container', name: 'dcos' }]);
  assert.deepEqual(a.container?.portMappings, [{ containerPort: 0, servicePort: 0, protocol: 'tcp' }]);
});

test('ipAddress (IP per task) becomes a container network; discovery ports become mappings', () => {
  const a = parseAppDefinition(
    app({
      ipAddress: {
        networkName: 'blue',
        discovery: { ports: [{ number: 8080, name: 'http', protocol: 'tcp' }] },
      },
    }),
  );
  assert.deepEqual(a.networks, [{ mode: 'container', name: 'blue' }]);
  assert.deepEqual(a.container?.type, 'MESOS');
  assert.deepEqual(a.container?.portMappings, [
    { containerPort: 8080, servicePort: 0, protocol: 'tcp', name: 'http' },
  ]);
  assert.deepEqual(problems(app({ ipAddress: {}, networks: [{ mode: 'host' }] }))['/'], [
    NETWORK_MESSAGES.networksAndIpAddress,
  ]);
  assert.deepEqual(problems(app({ ipAddress: {}, ports: [80] }))['/'], [
    NETWORK_MESSAGES.ipAddressAndPorts,
    PORT_MESSAGES.definitionsNeedHost,
  ]);
  assert.deepEqual(
    problems({ ...docker(), ipAddress: { discovery: { ports: [{ name: 'x' }] } } })['/ipAddress'],
    [NETWORK_MESSAGES.discoveryWithDocker],
  );
});

test('docker-network definitions validate again unchanged once normalised', () => {
  for (const input of [
    { ...docker({ network: 'USER' }), ipAddress: { networkName: 'dcos' } },
    docker({ network: 'BRIDGE', portMappings: [{ containerPort: 80 }] }),
    docker({ network: 'HOST' }),
    docker({ network: 'NONE' }),
  ]) {
    const once = parseAppDefinition(input);
    assert.deepEqual(parseAppDefinition(once), once);
  }
});

test('docker.network and networks together only when they agree', () => {
  const same = { ...docker({ network: 'BRIDGE' }), networks: [{ mode: 'container/bridge' }] };
  assert.deepEqual(parseAppDefinition(same).networks, [{ mode: 'container/bridge' }]);
  assert.deepEqual(problems({ ...docker({ network: 'BRIDGE' }), networks: [{ mode: 'host' }] })['/'], [
    NETWORK_MESSAGES.dockerNetworkAndNetworks,
  ]);
});

test('host networking refuses portMappings; container networking refuses portDefinitions', () => {
  assert.deepEqual(problems(docker({}, { portMappings: [{ containerPort: 80 }] })), {
    '/': [PORT_MESSAGES.mappingsNeedContainerNetwork],
  });
  assert.deepEqual(problems({ ...docker({ network: 'BRIDGE' }), portDefinitions: [{ port: 80 }] }), {
    '/': [PORT_MESSAGES.definitionsNeedHost],
  });
  assert.deepEqual(problems(app({ networks: [{ mode: 'host' }, { mode: 'container', name: 'x' }] })), {
    '/networks': [NETWORK_MESSAGES.hostMixed],
  });
  assert.deepEqual(problems(app({ networks: [{ mode: 'host', name: 'x' }] })), {
    '/networks(0)/name': [NETWORK_MESSAGES.hostName],
  });
});

test('portMappings and docker.portMappings are not both allowed; names unique; ranges checked', () => {
  const both = docker(
    { network: 'BRIDGE', portMappings: [{ containerPort: 1 }] },
    { portMappings: [{ containerPort: 2 }] },
  );
  assert.deepEqual(problems(both)['/container'], [NETWORK_MESSAGES.bothMappings]);
  const dup = docker({
    network: 'BRIDGE',
    portMappings: [
      { containerPort: 1, name: 'a' },
      { containerPort: 2, name: 'a' },
    ],
  });
  assert.deepEqual(problems(dup), { '/container/docker/portMappings': [PORT_MESSAGES.namesUnique] });
  const range = docker({ network: 'BRIDGE', portMappings: [{ containerPort: 65536 }] });
  assert.deepEqual(problems(range), {
    '/container/docker/portMappings(0)/containerPort': ['got 65536, expected between 0 and 65535'],
  });
  const udp = docker({
    network: 'BRIDGE',
    portMappings: [{ containerPort: 53, protocol: 'udp', servicePort: 10053, hostPort: 0 }],
  });
  assert.deepEqual(parseAppDefinition(udp).container?.portMappings, [
    { containerPort: 53, hostPort: 0, servicePort: 10053, protocol: 'udp' },
  ]);
});

test('volumes: host volumes stored; persistent and external volumes refused (secret ones: below)', () => {
  const vol = (v: Record<string, unknown>) => docker({}, { volumes: [v] });
  assert.deepEqual(problems(vol({ containerPath: '/d', mode: 'RW' })), {
    '/container/volumes(0)/hostPath': ['not defined'],
  });
  assert.deepEqual(problems(vol({ containerPath: '/d', hostPath: '/h', mode: 'XX' })), {
    '/container/volumes(0)/mode': ['is not one of (RO,RW)'],
  });
  assert.deepEqual(problems(vol({ containerPath: 'data', mode: 'RW', persistent: { size: 10 } })), {
    '/container/volumes(0)': [NETWORK_MESSAGES.unsupportedVolume('persistent')],
  });
  assert.deepEqual(problems(vol({ containerPath: 'd', mode: 'RW', external: { name: 'x' } })), {
    '/container/volumes(0)': [NETWORK_MESSAGES.unsupportedVolume('external')],
  });
});

test('volumes: a Docker containerPath must be absolute; MESOS containers may use a relative one', () => {
  const vol = (containerPath: string) =>
    docker({}, { volumes: [{ containerPath, hostPath: '/h', mode: 'RO' }] });
  assert.deepEqual(problems(vol('data')), {
    '/container/volumes(0)/containerPath': [NETWORK_MESSAGES.dockerContainerPath],
  });
  assert.deepEqual(
    Object.keys(
      problems(
        docker(
          {},
          {
            volumes: [
              { containerPath: '/ok', hostPath: '/h', mode: 'RO' },
              { containerPath: './rel', hostPath: '/h', mode: 'RW' },
            ],
          },
        ),
      ),
    ),
    ['/container/volumes(1)/containerPath'],
  );
  assert.equal(parseAppDefinition(vol('/data')).container?.volumes[0]?.containerPath, '/data');
  const mesos = parseAppDefinition(
    app({ container: { type: 'MESOS', volumes: [{ containerPath: 'data', hostPath: '/h', mode: 'RW' }] } }),
  );
  assert.equal(mesos.container?.volumes[0]?.containerPath, 'data');
});

test('a malformed docker image is refused at /container/docker/image with the reason', () => {
  assert.deepEqual(problems(docker({ image: 'UPPER::bad' })), {
    '/container/docker/image': ['Docker image "UPPER::bad": invalid reference format'],
  });
  assert.match(
    problems(docker({ image: 'Nginx' }))['/container/docker/image']?.[0] ?? '',
    /repository name must be lowercase/,
  );
  assert.match(
    problems(docker({ image: 'nginx:' }))['/container/docker/image']?.[0] ?? '',
    /invalid tag format/,
  );
  for (const image of ['nginx', 'nginx:1.25-alpine', '127.0.0.1:5000/drover/http:v2', 'localhost/x']) {
    assert.equal(parseAppDefinition(docker({ image })).container?.docker?.image, image);
  }
});

test('a Docker container network needs a name: Drover has no default network', () => {
  assert.deepEqual(problems({ ...docker(), networks: [{ mode: 'container' }] }), {
    '/networks(0)/name': [NETWORK_MESSAGES.containerNetworkName],
  });
  // The legacy spellings are reported where the name would go.
  assert.deepEqual(problems({ ...docker(), ipAddress: {} }), {
    '/ipAddress/networkName': [NETWORK_MESSAGES.containerNetworkName],
  });
  assert.deepEqual(problems(docker({ network: 'USER' })), {
    '/container/docker/network': [NETWORK_MESSAGES.containerNetworkName],
  });
  assert.deepEqual(
    parseAppDefinition({ ...docker(), networks: [{ mode: 'container', name: 'blue' }] }).networks,
    [{ mode: 'container', name: 'blue' }],
  );
  // Process tasks ignore networks: a MESOS container is not held to it.
  assert.deepEqual(parseAppDefinition(app({ networks: [{ mode: 'container' }] })).networks, [
    { mode: 'container' },
  ]);
});

test('docker network NONE: no networks, no ports', () => {
  const a = parseAppDefinition(docker({ network: 'NONE' }));
  assert.deepEqual(a.networks, []);
  assert.deepEqual(a.portDefinitions, []);
  assert.equal(a.container?.portMappings, undefined);
});

const secrets = { pw: { source: 'db-password' } };
const processApp = (volumes: unknown[]) => ({
  id: '/web',
  cmd: 'sleep 100',
  secrets,
  container: { type: 'MESOS', volumes },
});
const dockerApp = (volumes: unknown[]) => ({
  id: '/web',
  secrets,
  container: { type: 'DOCKER', docker: { image: 'nginx' }, volumes },
});

test("file secrets: Marathon's shape is stored as a reference, for process tasks and Docker", () => {
  const p = parseAppDefinition(processApp([{ containerPath: 'path/to/db/password', secret: 'pw' }]));
  assert.deepEqual(p.container?.volumes, [{ containerPath: 'path/to/db/password', secret: 'pw' }]);
  assert.equal(p.container?.type, 'MESOS');
  const d = parseAppDefinition(
    dockerApp([
      { containerPath: '/run/secrets/pw', secret: 'pw' },
      { containerPath: 'in-sandbox/pw', secret: 'pw' },
    ]),
  );
  assert.deepEqual(d.container?.volumes, [
    { containerPath: '/run/secrets/pw', secret: 'pw' },
    { containerPath: 'in-sandbox/pw', secret: 'pw' },
  ]);
});

test('file secrets: an undeclared reference, a path out of the sandbox, or host fields are 422s', () => {
  assert.deepEqual(problems(processApp([{ containerPath: 'pw', secret: 'nope' }])), {
    '/container/volumes(0)/secret': [NETWORK_MESSAGES.secretVolumeRef('nope')],
  });
  for (const containerPath of ['/etc/pw', '../pw', 'a/../../pw', 'dir/']) {
    assert.deepEqual(
      problems(processApp([{ containerPath, secret: 'pw' }])),
      {
        '/container/volumes(0)/containerPath': [NETWORK_MESSAGES.secretVolumePath],
      },
      containerPath,
    );
  }
  assert.deepEqual(problems(dockerApp([{ containerPath: '/a/../../etc/pw', secret: 'pw' }])), {
    '/container/volumes(0)/containerPath': [NETWORK_MESSAGES.secretVolumePath],
  });
  assert.deepEqual(
    problems(processApp([{ containerPath: 'pw', secret: 'pw', hostPath: '/etc', mode: 'RO' }])),
    {
      '/container/volumes(0)': [NETWORK_MESSAGES.secretVolumeMixed],
    },
  );
});

test('host volumes still need a mode', () => {
  assert.deepEqual(problems(dockerApp([{ containerPath: '/d', hostPath: '/h' }])), {
    '/container/volumes(0)/mode': [NETWORK_MESSAGES.volumeMode],
  });
});
