/**
 * The executor contract against the real engine. A missing engine fails the suite (CI provisions
 * one; see scripts/provision.sh): it is never skipped.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before } from 'node:test';
import type { TaskSpec } from '../../../domain/agent-protocol.js';
import { shellTask } from '../../testing/task-spec.js';
import { type Behaviour, runExecutorContract } from '../executor.contract.js';
import { LABEL } from './container-config.js';
import { DockerExecutor, type DockerExecutorOptions } from './docker-executor.js';
import { DockerEngine } from './engine-client.js';

const REPO = join(import.meta.dirname, '..', '..', '..', '..');
const engine = new DockerEngine();
const options: DockerExecutorOptions = {
  engine,
  bindAddress: '127.0.0.1',
  agentName: 'contract',
  owner: `contract-test-${process.pid}`,
};

before(async () => {
  if (!(await engine.ping()))
    throw new Error('no Docker engine answers on /var/run/docker.sock (run scripts/provision.sh)');
  execFileSync('bash', [join(REPO, 'scripts', 'build-test-images.sh')], { stdio: 'inherit' });
});

function container(spec: TaskSpec, bridgePort: boolean): TaskSpec {
  return {
    ...spec,
    container: {
      type: 'DOCKER',
      docker: {
        image: 'drover-test/busybox:latest',
        privileged: false,
        parameters: [],
        forcePullImage: false,
      },
      portMappings: bridgePort ? [{ containerPort: 8080, hostPort: 0, servicePort: 0, protocol: 'tcp' }] : [],
      volumes: [],
    },
    networks: [{ mode: 'container/bridge' }],
  };
}

function command(b: Behaviour): string {
  switch (b.kind) {
    case 'env':
      return `printf '%s\\n' ${b.names.map((n) => `"${n}=$${n}"`).join(' ')}; touch "$MESOS_SANDBOX/marker"`;
    case 'output':
      return `printf %s '${b.stdout}'; printf %s '${b.stderr}' >&2; exit ${b.exitCode}`;
    case 'serve':
      // sh stays PID 1 with a SIGTERM trap; httpd alone as PID 1 would ignore SIGTERM.
      return `mkdir -p /www; printf %s "$BODY" > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait`;
    case 'stubborn':
      return `trap '' TERM; echo ready; while true; do sleep 1; done`;
  }
}

runExecutorContract({
  name: 'docker',
  host: '127.0.0.1',
  executor: new DockerExecutor(options),
  restarted: () => new DockerExecutor(options),
  launchTimeoutMs: 60_000,
  spec(taskId, b, { env, ports }) {
    const extra: Record<string, string> = b.kind === 'serve' ? { BODY: b.body } : {};
    return container(
      shellTask(taskId, command(b), {
        env: { ...env, ...extra },
        ports,
        resources: { cpus: 0.2, mem: 32, disk: 0 },
      }),
      ports.length > 0,
    );
  },
  async cleanup() {
    for (const c of await engine.listContainers([`${LABEL.owner}=${options.owner}`])) {
      await engine.removeContainer(c.Id);
    }
    await engine.close();
  },
});
