import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAppDefinition } from './app-validate.js';
import {
  ALLOWED_DOCKER_PARAMETERS,
  checkDockerParameters,
  DOCKER_PARAMETER_MESSAGES,
  dockerRunOptions,
  hostWideningParameters,
} from './docker-parameters.js';
import { isDroverError } from './errors.js';
import { parseJob } from './job-validate.js';
import { Issues } from './validation-issues.js';

function problems(input: unknown): Record<string, string[]> {
  try {
    parseAppDefinition(input);
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    assert.equal(e.status, 422);
    return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
  }
  return assert.fail('expected a 422');
}

const dockerApp = (docker: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: '/d',
  container: { type: 'DOCKER', docker: { image: 'drover-test/busybox', ...docker } },
  ...extra,
});

test('the safe subset translates to engine options; repeatable keys accumulate', () => {
  const opts = dockerRunOptions([
    { key: 'label', value: 'team=web' },
    { key: '--label', value: 'tier=front' },
    { key: 'env', value: 'A=1=2' },
    { key: 'user', value: '1000:1000' },
    { key: 'workdir', value: '/srv' },
    { key: 'hostname', value: 'web-1' },
    { key: 'entrypoint', value: '/bin/httpd' },
    { key: 'stop-signal', value: 'SIGQUIT' },
    { key: 'init', value: 'true' },
    { key: 'read-only', value: 'false' },
    { key: 'tmpfs', value: '/run:size=64m,mode=1777' },
    { key: 'shm-size', value: '64m' },
    { key: 'ulimit', value: 'nofile=1024:2048' },
    { key: 'ulimit', value: 'nofile=512' },
  ]);
  assert.deepEqual(opts, {
    labels: { team: 'web', tier: 'front' },
    env: { A: '1=2' },
    user: '1000:1000',
    workdir: '/srv',
    hostname: 'web-1',
    entrypoint: '/bin/httpd',
    stopSignal: 'SIGQUIT',
    init: true,
    readOnly: false,
    tmpfs: { '/run': 'size=64m,mode=1777' },
    shmSizeBytes: 64 * 1024 * 1024,
    ulimits: [{ name: 'nofile', soft: 512, hard: 512 }],
    extraHosts: [],
    capAdd: [],
    capDrop: [],
    dns: [],
    dnsSearch: [],
    dnsOptions: [],
    logOpts: {},
    volumes: [],
    devices: [],
    securityOpts: [],
    sysctls: {},
    networkAliases: [],
    groupAdd: [],
  });
});

test('every docker run flag the issue lists maps; repeated keys accumulate as docker run does', () => {
  const opts = dockerRunOptions([
    { key: 'add-host', value: 'db:10.0.0.5' },
    { key: 'add-host', value: 'cache:10.0.0.6' },
    { key: 'cap-drop', value: 'NET_RAW' },
    { key: 'cap-drop', value: 'MKNOD' },
    { key: 'dns', value: '10.0.0.2' },
    { key: 'dns-search', value: 'svc.local' },
    { key: 'dns-opt', value: 'ndots:2' },
    { key: 'log-driver', value: 'json-file' },
    { key: 'log-opt', value: 'max-size=10m' },
    { key: 'log-opt', value: 'max-file=3' },
    { key: 'volume', value: 'data:/data:ro' },
    { key: 'volume', value: '/cache' },
    { key: 'memory-swap', value: '-1' },
    { key: 'memory-reservation', value: '32m' },
    { key: 'cpu-shares', value: '512' },
    { key: 'cpuset-cpus', value: '0-1' },
    { key: 'pids-limit', value: '100' },
    { key: 'security-opt', value: 'no-new-privileges' },
    { key: 'sysctl', value: 'net.core.somaxconn=1024' },
    { key: 'network-alias', value: 'web' },
    { key: 'ipc', value: 'private' },
    { key: 'oom-score-adj', value: '-500' },
    { key: 'group-add', value: 'audio' },
    { key: 'mac-address', value: '02:42:ac:11:00:02' },
    { key: 'stop-timeout', value: '20' },
  ]);
  assert.deepEqual(opts.extraHosts, ['db:10.0.0.5', 'cache:10.0.0.6']);
  assert.deepEqual(opts.capDrop, ['NET_RAW', 'MKNOD']);
  assert.deepEqual(opts.dnsOptions, ['ndots:2']);
  assert.deepEqual(opts.logOpts, { 'max-size': '10m', 'max-file': '3' });
  assert.deepEqual(opts.volumes, [
    { source: 'data', target: '/data', options: 'ro' },
    { target: '/cache', options: '' },
  ]);
  assert.equal(opts.memorySwapBytes, -1);
  assert.equal(opts.memoryReservationBytes, 32 * 1024 * 1024);
  assert.equal(opts.cpuShares, 512);
  assert.equal(opts.oomScoreAdj, -500);
  assert.deepEqual(opts.sysctls, { 'net.core.somaxconn': '1024' });
  assert.equal(opts.stopTimeout, 20);
  for (const k of ['device', 'cap-add', 'pid', 'workdir', 'entrypoint', 'tmpfs', 'ulimit', 'volume-driver'])
    assert.ok(ALLOWED_DOCKER_PARAMETERS.includes(k), k);
});

test('keys outside the subset and malformed values are reported by path', () => {
  const issues = new Issues();
  checkDockerParameters(
    [
      { key: 'volumes-from', value: 'other' },
      { key: 'label', value: 'drover.task-id=x' },
      { key: 'workdir', value: 'relative' },
      { key: 'ulimit', value: 'rtprio=1' },
      { key: 'init', value: 'yes' },
      { key: 'tmpfs', value: '/x:$(reboot)' },
    ],
    '/container/docker/parameters',
    issues,
  );
  assert.deepEqual(Object.fromEntries(issues.details().map((d) => [d.path, d.errors])), {
    '/container/docker/parameters(0)/key': [DOCKER_PARAMETER_MESSAGES.notAllowed('volumes-from')],
    '/container/docker/parameters(1)/value': ["labels starting with 'drover.' are reserved"],
    '/container/docker/parameters(2)/value': ['must be an absolute path'],
    '/container/docker/parameters(3)/value': [
      'must be name=soft[:hard] with name one of nofile, nproc, core, stack, memlock',
    ],
    '/container/docker/parameters(4)/value': ['must be true or false'],
    '/container/docker/parameters(5)/value': ['tmpfs options may only hold letters, digits and = , . _ -'],
  });
  assert.throws(() => dockerRunOptions([{ key: 'privileged', value: 'true' }]), /not supported/);
});

test('flags with no engine field stay unsupported; those that widen host access are flagged', () => {
  // No Engine API field (or a field Drover owns: networks come from the app's networks).
  for (const key of [
    'privileged',
    'net',
    'network',
    'volumes-from',
    'userns',
    'uts',
    'cgroup-parent',
    'mount',
  ])
    assert.ok(!ALLOWED_DOCKER_PARAMETERS.includes(key), key);
  // Accepted, but they place the app only on agents started with --allow-privileged.
  assert.deepEqual(
    hostWideningParameters([
      { key: 'cap-add', value: 'SYS_ADMIN' },
      { key: 'device', value: '/dev/fuse' },
      { key: 'pid', value: 'host' },
      { key: 'ipc', value: 'host' },
      { key: 'security-opt', value: 'seccomp=unconfined' },
      { key: 'volume', value: '/:/host' },
      { key: 'volume', value: '/var/run/docker.sock:/var/run/docker.sock' },
    ]).length,
    7,
  );
  assert.deepEqual(
    hostWideningParameters([
      { key: 'cap-drop', value: 'ALL' },
      { key: 'ipc', value: 'private' },
      { key: 'security-opt', value: 'no-new-privileges' },
      { key: 'volume', value: 'data:/data' },
      { key: 'log-driver', value: 'json-file' },
      { key: 'add-host', value: 'a:1.2.3.4' },
    ]),
    [],
  );
});

test('app validation: disallowed docker parameter -> 422 naming the parameter', () => {
  assert.deepEqual(problems(dockerApp({ parameters: [{ key: 'userns', value: 'host' }] })), {
    '/container/docker/parameters(0)/key': [DOCKER_PARAMETER_MESSAGES.notAllowed('userns')],
  });
  assert.match(DOCKER_PARAMETER_MESSAGES.notAllowed('userns'), /supported: .*add-host.*cap-add/);
  const ok = parseAppDefinition(dockerApp({ parameters: [{ key: 'init', value: 'true' }] }));
  assert.deepEqual(ok.container?.docker?.parameters, [{ key: 'init', value: 'true' }]);
});

test('app validation: missing image, unknown network mode -> 422', () => {
  const noImage = problems({ id: '/d', container: { type: 'DOCKER', docker: {} } });
  assert.ok(
    Object.keys(noImage).some((p) => p.startsWith('/container/docker')),
    JSON.stringify(noImage),
  );
  const emptyImage = problems(dockerApp({ image: '' }));
  assert.ok('/container/docker/image' in emptyImage, JSON.stringify(emptyImage));
  const noDocker = problems({ id: '/d', container: { type: 'DOCKER' } });
  assert.deepEqual(noDocker['/container/docker'], ['not defined']);
  const badNetwork = problems(dockerApp({ network: 'OVERLAY' }));
  assert.ok('/container/docker/network' in badNetwork, JSON.stringify(badNetwork));
  const badMode = problems({ ...dockerApp({}), networks: [{ mode: 'bridge' }] });
  assert.ok(
    Object.keys(badMode).some((p) => p.startsWith('/networks')),
    JSON.stringify(badMode),
  );
});

test('app validation: two port mappings on one fixed host port -> 422', () => {
  const mappings = [
    { containerPort: 80, hostPort: 31000 },
    { containerPort: 81, hostPort: 31000 },
  ];
  assert.deepEqual(problems(dockerApp({ network: 'BRIDGE', portMappings: mappings })), {
    '/container/docker/portMappings': ['Host ports must be unique.'],
  });
  const random = [
    { containerPort: 80, hostPort: 0 },
    { containerPort: 81, hostPort: 0 },
  ];
  assert.equal(
    parseAppDefinition(dockerApp({ network: 'BRIDGE', portMappings: random })).requirePorts,
    false,
  );
});

test('app validation: requirePorts with a port asked for twice -> 422', () => {
  assert.deepEqual(
    problems(
      dockerApp(
        { network: 'HOST' },
        { requirePorts: true, portDefinitions: [{ port: 31000 }, { port: 31000 }] },
      ),
    ),
    { '/portDefinitions': ['Ports must be unique.'] },
  );
});

test('Chronos jobs: the same safe subset and network modes for their containers', () => {
  const job = (container: Record<string, unknown>) => ({
    name: 'j',
    command: 'date',
    schedule: 'R//PT1M',
    owner: 'o@example.com',
    container: { type: 'DOCKER', image: 'drover-test/busybox:latest', ...container },
  });
  assert.equal(parseJob(job({ parameters: [{ key: 'init', value: 'true' }] }), 'iso8601').name, 'j');
  const refused = (c: Record<string, unknown>) => {
    try {
      parseJob(job(c), 'iso8601');
    } catch (e) {
      assert.ok(isDroverError(e));
      return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
    }
    return assert.fail('expected the job to be refused');
  };
  assert.deepEqual(refused({ parameters: [{ key: 'privileged', value: 'true' }] }), {
    '/container/parameters(0)/key': [DOCKER_PARAMETER_MESSAGES.notAllowed('privileged')],
  });
  assert.deepEqual(refused({ network: 'overlay' }), {
    '/container/network': ['expected one of HOST, BRIDGE, NONE, USER'],
  });
});
