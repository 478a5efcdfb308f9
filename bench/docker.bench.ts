/**
 * Docker bench (issue 5): Drover's docker executor against Docker Swarm mode on the same engine,
 * with the same image (drover-test/http:v1/v2, busybox httpd FROM scratch) and the same script.
 * Runs alternate Drover, Swarm, Drover, Swarm, ...; results are medians of per-pair ratios.
 *
 *   (1) start:   POST /v2/apps with N instances vs `docker service create --replicas N`, to every
 *                instance answering on its own host port. Target ratio <= 0.5. Run twice per round:
 *                BRIDGE, Drover with a port mapping vs Swarm with a published port; and HOST
 *                networking, Drover with httpd on $PORT0 (Marathon's default) vs Swarm on
 *                `--network host` with httpd on a port of its own per replica (`PORT=29{{.Task.Slot}}`:
 *                291..299, 2910..29NN; Swarm's templates have no arithmetic).
 *   (2) rolling: M instances v1 -> v2, PUT with the new image vs `docker service update --image`,
 *                same parallelism (P new at once, start-first) and the same grace, to every
 *                instance answering v2 and no v1 container left. Target ratio <= 1.0.
 *   (3) kill -9: SIGKILL to a container's main process, to an instance answering again. Reported.
 *
 *   npm run build && node --import tsx bench/docker.bench.ts        # one JSON line
 *   BENCH_DOCKER_RUNS=3 BENCH_DOCKER_INSTANCES=50 BENCH_DOCKER_ROLLING=10
 *   BENCH_DOCKER_PARALLELISM=10 BENCH_DOCKER_GRACE_S=2 BENCH_DOCKER_KILLS=3 (defaults)
 *   BENCH_DOCKER_PARTS=start,rolling,kill (default: all three)
 *
 * Settings that differ from a peer's defaults, so both sides do the same thing:
 * - Swarm: `--publish mode=host,target=80` (one host port per replica, no routing mesh, as Drover's
 *   BRIDGE mappings); `--update-order start-first --update-parallelism P` (Marathon's upgrade is
 *   start-first); `--stop-grace-period` = Drover's taskKillGracePeriodSeconds; `--restart-delay 0s`.
 * - Drover: `drover up --kill-drain-ms 0` (Swarm has no drain phase before SIGTERM); apps with
 *   `cpus: 0` (no CPU limit, as Swarm without --limit-cpu), `backoffSeconds: 0` (as the restart
 *   delay), upgradeStrategy {minimumHealthCapacity 1, maximumOverCapacity P/M}.
 * Swarm is initialised on 127.0.0.1 if the engine is not in a swarm, and left afterwards.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LABEL } from '../src/agent/executors/docker/container-config.js';
import type { DockerEngine } from '../src/agent/executors/docker/engine-client.js';
import {
  buildTestImages,
  HTTP_IMAGE,
  removeContainersUnder,
  requireDocker,
} from '../test/e2e/support/docker-fixtures.js';
import { DroverProcess } from '../test/e2e/support/drover-process.js';
import { http } from '../test/e2e/support/http-json.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { compare } from './support/stats.js';

const run = promisify(execFile);
const START_TARGET = 0.5;
const ROLLING_TARGET = 1.0;
const TIMEOUT_MS = 240_000;
/** Swarm host-network replicas listen on this prefix followed by their slot number. */
const HOST_PORT_PREFIX = '29';

interface Endpoint {
  key: string;
  host: string;
  port: number;
}

async function answers(e: Endpoint, body: string): Promise<boolean> {
  try {
    const res = await http(`http://${e.host}:${e.port}/`, { timeoutMs: 1_000 });
    return res.status === 200 && res.text.trim() === body;
  } catch {
    return false;
  }
}

/**
 * Polls `list` and probes what it lists (only endpoints not seen answering yet) until `n`
 * distinct endpoints answered `body` and `done` agrees: one loop for both systems.
 */
async function waitAnswering(
  list: () => Promise<Endpoint[]>,
  n: number,
  body: string,
  done: () => Promise<boolean> = async () => true,
): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  const answered = new Set<string>();
  for (;;) {
    const current = await list();
    const keys = new Set(current.map((e) => e.key));
    for (const k of answered) if (!keys.has(k)) answered.delete(k);
    const pending = current.filter((e) => !answered.has(e.key));
    const ok = await Promise.all(pending.map((e) => answers(e, body)));
    pending.forEach((e, i) => {
      if (ok[i]) answered.add(e.key);
    });
    if (answered.size >= n && current.length === n && (await done())) return;
    if (Date.now() > deadline)
      throw new Error(`${answered.size} of ${n} answering ${body} after ${TIMEOUT_MS} ms`);
    await delay(20);
  }
}

// ---- Swarm --------------------------------------------------------------------------------------

interface SwarmTask {
  ID: string;
  Status: { State: string; PortStatus?: { Ports?: Array<{ TargetPort: number; PublishedPort: number }> } };
}

/** One GET on the engine's socket, parsed as JSON (for what DockerEngine has no call for). */
function engineGet(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: '/var/run/docker.sock', path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        else resolve(JSON.parse(body));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

export class Swarm {
  private joined = false;

  constructor(private readonly engine: DockerEngine) {}

  async init(): Promise<void> {
    const { stdout } = await run('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}']);
    if (stdout.trim() === 'active') return;
    await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    this.joined = true;
  }

  async leave(): Promise<void> {
    if (!this.joined) return;
    await run('docker', ['swarm', 'leave', '--force']).catch(() => undefined);
    // Swarm leaves its gateway bridge behind; it was not there before the bench.
    await run('docker', ['network', 'rm', 'docker_gwbridge']).catch(() => undefined);
  }

  async create(
    name: string,
    image: string,
    replicas: number,
    graceS: number,
    parallelism: number,
    /** Default: one host port per replica. The routing mesh: `published=P,target=80`. */
    publish = 'mode=host,target=80',
    updateOrder: 'start-first' | 'stop-first' = 'start-first',
    /** More `docker service create` flags (health checks). */
    extra: string[] = [],
    /** The command instead of the image's (after the image name). */
    command: string[] = [],
  ): Promise<void> {
    await run('docker', [
      ...serviceCreate(name, replicas, graceS),
      '--publish',
      publish,
      '--update-order',
      updateOrder,
      '--update-parallelism',
      String(parallelism),
      ...extra,
      image,
      ...command,
    ]);
  }

  /** On the host's network stack, as Drover's HOST apps: each replica's httpd on its own port. */
  async createHostNetwork(name: string, image: string, replicas: number, graceS: number): Promise<void> {
    await run('docker', [
      ...serviceCreate(name, replicas, graceS),
      '--network',
      'host',
      '--env',
      `PORT=${HOST_PORT_PREFIX}{{.Task.Slot}}`,
      image,
      'sh',
      '-c',
      'exec httpd -f -p $PORT -h /www',
    ]);
  }

  /** Running replicas of a host-network service: the port follows from the task's slot. */
  async hostNetworkContainers(name: string): Promise<Endpoint[]> {
    const all = await this.engine.listContainers([`com.docker.swarm.service.name=${name}`]);
    return all.flatMap((c) => {
      const slot = c.Labels['com.docker.swarm.task.name']?.split('.')[1];
      return c.State === 'running' && slot
        ? [{ key: c.Id, host: '127.0.0.1', port: Number(`${HOST_PORT_PREFIX}${slot}`) }]
        : [];
    });
  }

  async update(name: string, image: string): Promise<void> {
    await run('docker', ['service', 'update', '--detach', '--quiet', '--image', image, name]);
  }

  /** Until `docker service update` is done (Swarm's own word for the rollout, `UpdateStatus.State`). */
  async updated(name: string): Promise<boolean> {
    const { stdout } = await run('docker', [
      'service',
      'inspect',
      '--format',
      '{{.UpdateStatus.State}}',
      name,
    ]);
    return stdout.trim() === 'completed';
  }

  /**
   * Running containers of the service with their published host port and image, read through the
   * Engine API (as Drover's side reads its task list through its API): forking the docker CLI
   * every poll would cost Swarm CPU time it needs for starting containers.
   */
  async containers(name: string): Promise<Array<Endpoint & { image: string }>> {
    const all = await this.engine.listContainers([`com.docker.swarm.service.name=${name}`]);
    return all.flatMap((c) => {
      const port = c.Ports?.find(
        (p) => p.PrivatePort === 80 && p.Type === 'tcp' && p.IP === '0.0.0.0',
      )?.PublicPort;
      return c.State === 'running' && port ? [{ key: c.Id, host: '127.0.0.1', port, image: c.Image }] : [];
    });
  }

  /**
   * Swarm's own view of a host-mode service (Engine API `GET /tasks`): the tasks it wants running
   * and reports running (with a health check, a task is `running` only once healthy) and their
   * published host port. A task Swarm is stopping has desired state `shutdown` and is not listed.
   */
  async runningTasks(name: string): Promise<Endpoint[]> {
    const filters = JSON.stringify({ service: [name], 'desired-state': ['running'] });
    const tasks = (await engineGet(`/tasks?filters=${encodeURIComponent(filters)}`)) as SwarmTask[];
    return tasks.flatMap((t) => {
      const port = t.Status.PortStatus?.Ports?.find((p) => p.TargetPort === 80)?.PublishedPort;
      return t.Status.State === 'running' && port ? [{ key: t.ID, host: '127.0.0.1', port }] : [];
    });
  }

  async remove(name: string): Promise<void> {
    await run('docker', ['service', 'rm', name]).catch(() => undefined);
    const deadline = Date.now() + 60_000;
    while ((await this.engine.listContainers([`com.docker.swarm.service.name=${name}`])).length > 0) {
      if (Date.now() > deadline) throw new Error(`swarm service ${name} not gone after 60 s`);
      await delay(100);
    }
  }
}

// ---- Drover -------------------------------------------------------------------------------------

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  version: string;
}

/** Marathon's default networking: the container shares the host's, httpd listens on $PORT0. */
function hostNetworkApp(id: string, image: string, instances: number, graceS: number) {
  return {
    id,
    instances,
    cpus: 0,
    mem: 16,
    backoffSeconds: 0,
    taskKillGracePeriodSeconds: graceS,
    cmd: 'exec httpd -f -p $PORT0 -h /www',
    container: { type: 'DOCKER', docker: { image, network: 'HOST' } },
    portDefinitions: [{ port: 0 }],
  };
}

function webApp(id: string, image: string, instances: number, graceS: number, parallelism: number) {
  return {
    id,
    instances,
    cpus: 0,
    mem: 16,
    backoffSeconds: 0,
    taskKillGracePeriodSeconds: graceS,
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: Math.min(1, parallelism / instances) },
    container: {
      type: 'DOCKER',
      docker: { image, network: 'BRIDGE', portMappings: [{ containerPort: 80, hostPort: 0 }] },
    },
  };
}

async function droverEndpoints(drover: DroverProcess, appId: string): Promise<Endpoint[]> {
  const { tasks } = await drover.api.get<{ tasks: Task[] }>(`/v2/apps${appId}/tasks`);
  return tasks
    .filter((t) => t.state === 'TASK_RUNNING' && t.ports.length > 0)
    .map((t) => ({ key: t.id, host: t.host, port: t.ports[0]! }));
}

async function droverContainers(engine: DockerEngine, appId: string) {
  return engine.listContainers([`${LABEL.appId}=${appId}`]);
}

async function removeDroverApp(drover: DroverProcess, engine: DockerEngine, appId: string): Promise<void> {
  await drover.api.json('DELETE', `/v2/apps${appId}`, undefined, [200, 404]);
  const deadline = Date.now() + 60_000;
  while ((await droverContainers(engine, appId)).length > 0) {
    if (Date.now() > deadline) throw new Error(`containers of ${appId} not gone after 60 s`);
    await delay(100);
  }
}

async function containerPid(engine: DockerEngine, id: string): Promise<number> {
  const info = await engine.inspectContainer(id);
  if (!info?.State.Running || info.State.Pid <= 0) throw new Error(`container ${id} is not running`);
  return info.State.Pid;
}

// ---- the bench ----------------------------------------------------------------------------------

export async function benchDocker(
  opts: {
    runs?: number;
    instances?: number;
    rolling?: number;
    parallelism?: number;
    graceS?: number;
    kills?: number;
  } = {},
) {
  const runs = opts.runs ?? Number(process.env.BENCH_DOCKER_RUNS ?? 3);
  const n = opts.instances ?? Number(process.env.BENCH_DOCKER_INSTANCES ?? 50);
  const m = opts.rolling ?? Number(process.env.BENCH_DOCKER_ROLLING ?? 10);
  const p = opts.parallelism ?? Number(process.env.BENCH_DOCKER_PARALLELISM ?? 10);
  const graceS = opts.graceS ?? Number(process.env.BENCH_DOCKER_GRACE_S ?? 2);
  const kills = opts.kills ?? Number(process.env.BENCH_DOCKER_KILLS ?? 3);
  const parts = new Set((process.env.BENCH_DOCKER_PARTS ?? 'start,rolling,kill').split(','));
  const before = machine();

  const engine = await requireDocker();
  await buildTestImages();
  const swarm = new Swarm(engine);
  const drover = await DroverProcess.start({ logLevel: 'warn', args: ['--kill-drain-ms', '0'] });
  const start = {
    drover: [] as number[],
    swarm: [] as number[],
    droverHost: [] as number[],
    swarmHost: [] as number[],
  };
  const rolling = { drover: [] as number[], swarm: [] as number[] };
  const kill = { drover: [] as number[], swarm: [] as number[] };
  try {
    await swarm.init();
    for (let r = 0; parts.has('start') && r < runs; r++) {
      // (1) start N. A: Drover.
      const id = `/bench/docker-start-${r}`;
      let t0 = performance.now();
      await drover.api.json('POST', '/v2/apps', webApp(id, HTTP_IMAGE('v1'), n, graceS, p), [201]);
      await waitAnswering(() => droverEndpoints(drover, id), n, 'v1');
      start.drover.push(performance.now() - t0);
      await removeDroverApp(drover, engine, id);
      // B: Swarm.
      const svc = `bench-start-${r}`;
      t0 = performance.now();
      await swarm.create(svc, HTTP_IMAGE('v1'), n, graceS, p);
      await waitAnswering(() => swarm.containers(svc), n, 'v1');
      start.swarm.push(performance.now() - t0);
      await swarm.remove(svc);
      // C and D: host networking on both sides (Marathon's default; Swarm's --network host),
      // the first of the two alternating per round.
      const hostId = `/bench/docker-start-host-${r}`;
      const hostSvc = `bench-start-host-${r}`;
      const droverHost = async () => {
        const t = performance.now();
        await drover.api.json('POST', '/v2/apps', hostNetworkApp(hostId, HTTP_IMAGE('v1'), n, graceS), [201]);
        await waitAnswering(() => droverEndpoints(drover, hostId), n, 'v1');
        start.droverHost.push(performance.now() - t);
        await removeDroverApp(drover, engine, hostId);
      };
      const swarmHost = async () => {
        const t = performance.now();
        await swarm.createHostNetwork(hostSvc, HTTP_IMAGE('v1'), n, graceS);
        await waitAnswering(() => swarm.hostNetworkContainers(hostSvc), n, 'v1');
        start.swarmHost.push(performance.now() - t);
        await swarm.remove(hostSvc);
      };
      if (r % 2 === 0) {
        await droverHost();
        await swarmHost();
      } else {
        await swarmHost();
        await droverHost();
      }
    }

    for (let r = 0; parts.has('rolling') && r < runs; r++) {
      // (2) rolling M, v1 -> v2. A: Drover.
      const id = `/bench/docker-rolling-${r}`;
      const app = webApp(id, HTTP_IMAGE('v1'), m, graceS, p);
      await drover.api.json('POST', '/v2/apps', app, [201]);
      await waitAnswering(() => droverEndpoints(drover, id), m, 'v1');
      let t0 = performance.now();
      const put = {
        ...app,
        container: { ...app.container, docker: { ...app.container.docker, image: HTTP_IMAGE('v2') } },
      };
      await drover.api.json('PUT', `/v2/apps${id}`, put, [200]);
      await waitAnswering(
        () => droverEndpoints(drover, id),
        m,
        'v2',
        async () => {
          const cs = await droverContainers(engine, id);
          return cs.length === m && cs.every((c) => c.Image === HTTP_IMAGE('v2'));
        },
      );
      rolling.drover.push(performance.now() - t0);
      await removeDroverApp(drover, engine, id);
      // B: Swarm.
      const svc = `bench-rolling-${r}`;
      await swarm.create(svc, HTTP_IMAGE('v1'), m, graceS, p);
      await waitAnswering(() => swarm.containers(svc), m, 'v1');
      t0 = performance.now();
      await swarm.update(svc, HTTP_IMAGE('v2'));
      await waitAnswering(
        () => swarm.containers(svc),
        m,
        'v2',
        async () => (await swarm.containers(svc)).every((c) => c.image.startsWith(HTTP_IMAGE('v2'))),
      );
      rolling.swarm.push(performance.now() - t0);
      await swarm.remove(svc);
    }

    // (3) kill -9 of the container's main process to an instance answering again.
    if (parts.has('kill')) {
      const killApp = '/bench/docker-kill';
      await drover.api.json('POST', '/v2/apps', webApp(killApp, HTTP_IMAGE('v1'), 1, graceS, p), [201]);
      await swarm.create('bench-kill', HTTP_IMAGE('v1'), 1, graceS, p);
      for (let r = 0; r < kills; r++) {
        await waitAnswering(() => droverEndpoints(drover, killApp), 1, 'v1');
        const [victim] = await droverContainers(engine, killApp);
        const pid = await containerPid(engine, victim!.Id);
        let t0 = performance.now();
        process.kill(pid, 'SIGKILL');
        await waitAnswering(
          async () =>
            (await droverEndpoints(drover, killApp)).filter((e) => e.key !== victim!.Labels[LABEL.taskId]),
          1,
          'v1',
        );
        kill.drover.push(performance.now() - t0);

        await waitAnswering(() => swarm.containers('bench-kill'), 1, 'v1');
        const [sVictim] = await swarm.containers('bench-kill');
        const sPid = await containerPid(engine, sVictim!.key);
        t0 = performance.now();
        process.kill(sPid, 'SIGKILL');
        await waitAnswering(
          async () => (await swarm.containers('bench-kill')).filter((e) => e.key !== sVictim!.key),
          1,
          'v1',
        );
        kill.swarm.push(performance.now() - t0);
      }
      await removeDroverApp(drover, engine, killApp);
      await swarm.remove('bench-kill');
    }
  } finally {
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
    await removeContainersUnder(engine, drover.dataDir).catch(() => undefined);
    for (const svc of [
      'bench-kill',
      ...Array.from({ length: runs }, (_, r) => [
        `bench-start-${r}`,
        `bench-start-host-${r}`,
        `bench-rolling-${r}`,
      ]).flat(),
    ]) {
      await run('docker', ['service', 'rm', svc]).catch(() => undefined);
    }
    await swarm.leave();
    await engine.close();
  }
  const s = compare(start.drover, start.swarm);
  const sh = compare(start.droverHost, start.swarmHost);
  const u = compare(rolling.drover, rolling.swarm);
  const k = compare(kill.drover, kill.swarm);
  const { stdout: engineVersion } = await run('docker', ['version', '--format', '{{.Server.Version}}']);
  return {
    engine: engineVersion.trim(),
    settings: {
      instances: n,
      rolling: m,
      parallelism: p,
      graceSeconds: graceS,
      killDrainMs: 0,
      parts: [...parts],
    },
    start: { ...s, targetRatio: START_TARGET, met: s.medianRatio <= START_TARGET },
    startHostNetwork: { ...sh, targetRatio: START_TARGET, met: sh.medianRatio <= START_TARGET },
    rollingUpgrade: { ...u, targetRatio: ROLLING_TARGET, met: u.medianRatio <= ROLLING_TARGET },
    kill9: k,
    machineBefore: before,
    loadavgAfter: machine().loadavg,
  };
}

if (isMain(import.meta.url)) await runAlone('docker', () => benchDocker());

/** What every Swarm service of the bench starts with: replicas, the kill grace, no restart delay. */
function serviceCreate(name: string, replicas: number, graceS: number): string[] {
  return [
    'service',
    'create',
    '--detach',
    '--quiet',
    '--name',
    name,
    '--replicas',
    String(replicas),
    '--stop-grace-period',
    `${graceS}s`,
    '--restart-delay',
    '0s',
  ];
}
