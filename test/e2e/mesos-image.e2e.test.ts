/**
 * Issue 13 on a real `drover up` and the real Docker engine:
 * - a `container.type: MESOS` app with `docker.image` runs inside that image (there is no Mesos
 *   containerizer: the engine runs it, as the universal containerizer ran Docker images), with its
 *   sandbox at $MESOS_SANDBOX and a sandbox-relative volume;
 * - a Docker task (DOCKER and MESOS-with-image alike) sees what the fetcher put in its sandbox at
 *   $MESOS_SANDBOX: a tar.gz served on 127.0.0.1 is extracted there and its script runs in the
 *   container.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LABEL } from '../../src/agent/executors/docker/container-config.js';
import {
  BUSYBOX_IMAGE,
  containersUnder,
  deferrer,
  removeContainersUnder,
  requireDocker,
} from './support/docker-fixtures.js';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { type FileServer, sandboxOf as sandboxOfIn, startFileServer } from './support/file-server.js';

interface TaskJson {
  id: string;
  state: string;
}

interface Inspect {
  Config: { Image: string; Env: string[]; Labels: Record<string, string> };
  HostConfig: { Binds: string[] | null };
}

let files: FileServer;
const work = mkdtempSync(join(tmpdir(), 'drover-e2e-mesos-image-'));

before(async () => {
  const tree = join(work, 'tree');
  mkdirSync(join(tree, 'app'), { recursive: true });
  // Run inside the container: it reports where it ran and proves the image's rootfs is its own
  // (busybox's /bin/busybox exists there; the host's /etc/debian_version does not).
  writeFileSync(
    join(tree, 'app', 'start.sh'),
    [
      'cd "$MESOS_SANDBOX"',
      'echo "sandbox=$MESOS_SANDBOX" > report',
      '[ -x /bin/busybox ] && echo "image=busybox" >> report',
      '[ -e /etc/debian_version ] && echo "host-rootfs" >> report',
      'echo ok > data/from-task',
      'echo done >> report',
      'exec sleep 600',
      '',
    ].join('\n'),
  );
  execFileSync('tar', ['-czf', join(work, 'app.tar.gz'), '-C', tree, 'app']);
  files = await startFileServer(new Map([['/app.tar.gz', readFileSync(join(work, 'app.tar.gz'))]]));
});

after(async () => {
  await files.close();
  rmSync(work, { recursive: true, force: true });
});

const sandboxOf = (d: DroverProcess, taskId: string) => sandboxOfIn(d.dataDir, taskId);

async function runningTask(d: DroverProcess, appId: string): Promise<TaskJson> {
  return waitFor(
    async () =>
      (await d.api.get<{ tasks: TaskJson[] }>(`/v2/apps${appId}/tasks`)).tasks.find(
        (t) => t.state === 'TASK_RUNNING',
      ),
    { what: `a running task of ${appId}`, timeoutMs: 90_000 },
  );
}

async function reportOf(d: DroverProcess, taskId: string): Promise<string> {
  return waitFor(
    () => {
      const dir = sandboxOf(d, taskId);
      const f = dir && join(dir, 'report');
      const text = f && existsSync(f) ? readFileSync(f, 'utf8') : '';
      return text.includes('done') ? text : undefined;
    },
    { what: `the report in the sandbox of ${taskId}`, timeoutMs: 60_000 },
  );
}

describe('MESOS containers with an image, and fetched files in Docker sandboxes', {
  timeout: 240_000,
}, () => {
  for (const type of ['MESOS', 'DOCKER'] as const) {
    it(`${type} container: the image runs, the fetched tar.gz is at $MESOS_SANDBOX inside it`, async (t) => {
      const defer = deferrer(t);
      const engine = await requireDocker();
      defer(() => engine.close());
      const d = await DroverProcess.start({ agents: 1 });
      defer(() => removeContainersUnder(engine, d.dataDir));
      defer(() => d.cleanup());
      const appId = `/${type.toLowerCase()}-image`;
      const created = await d.api.raw('POST', '/v2/apps', {
        body: {
          id: appId,
          cmd: 'sh "$MESOS_SANDBOX/app/start.sh"',
          cpus: 0.1,
          mem: 32,
          fetch: [{ uri: `${files.base}/app.tar.gz` }],
          container: {
            type,
            docker: { image: BUSYBOX_IMAGE },
            // Relative container paths are sandbox-relative under the universal containerizer.
            volumes: [
              {
                containerPath: type === 'MESOS' ? 'data' : '/mnt/mesos/sandbox/data',
                hostPath: 'data',
                mode: 'RW',
              },
            ],
          },
        },
      });
      assert.equal(created.status, 201, created.text);
      const app = (created.json as { container: { type: string; docker: { image: string } } }).container;
      assert.equal(app.type, type, 'the definition keeps its container type');

      const task = await runningTask(d, appId);
      const report = await reportOf(d, task.id);
      t.diagnostic(`report: ${report.replace(/\n/g, ' | ')}`);
      assert.match(report, /^sandbox=\/mnt\/mesos\/sandbox$/m, 'MESOS_SANDBOX is the in-container mount');
      assert.match(report, /^image=busybox$/m, 'the command ran in the image');
      assert.doesNotMatch(report, /host-rootfs/, 'not on the host');
      const sandbox = sandboxOf(d, task.id)!;
      assert.ok(existsSync(join(sandbox, 'app.tar.gz')), 'fetched into the sandbox');
      assert.equal(
        readFileSync(join(sandbox, 'data', 'from-task'), 'utf8').trim(),
        'ok',
        'volume in the sandbox',
      );

      const [container] = await containersUnder(engine, d.dataDir);
      assert.ok(container, 'a container runs the task');
      const [inspect] = JSON.parse(execFileSync('docker', ['inspect', container.Id]).toString()) as Inspect[];
      assert.ok(inspect);
      assert.equal(inspect.Config.Image, BUSYBOX_IMAGE);
      assert.equal(inspect.Config.Labels[LABEL.taskId], task.id);
      assert.ok(inspect.Config.Env.includes('MESOS_SANDBOX=/mnt/mesos/sandbox'));
      assert.ok(
        inspect.HostConfig.Binds?.includes(`${sandbox}:/mnt/mesos/sandbox:rw`),
        String(inspect.HostConfig.Binds),
      );
    });
  }

  it('a MESOS container with docker parameters is refused, as Marathon does', async (t) => {
    const d = await DroverProcess.startFor(t, { agents: 1 });
    const res = await d.api.raw('POST', '/v2/apps', {
      body: {
        id: '/ucr-params',
        cmd: 'sleep 1',
        container: {
          type: 'MESOS',
          docker: { image: BUSYBOX_IMAGE, parameters: [{ key: 'label', value: 'a=b' }] },
        },
      },
    });
    assert.equal(res.status, 422, res.text);
    assert.match(res.text, /\/container\/docker\/parameters.*must be empty/);
  });
});
