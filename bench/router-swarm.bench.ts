/**
 * Issue 15: failed requests during a rolling upgrade, Swarm vs Drover, same image
 * (drover-test/http:v1 -> v2, busybox httpd), same engine, same load: 4 workers, each GET / on a
 * fresh connection with a 1 s timeout, back to back (test/e2e/support/router-load.ts), from before
 * the update starts until it is done and every answer is v2.
 *
 *   npm run build && node --import tsx bench/router-swarm.bench.ts      # one JSON line
 *   BENCH_MESH_INSTANCES=5 BENCH_MESH_ROUNDS=1 BENCH_MESH_MODE=auto BENCH_MESH_POLL_MS=1000 (defaults)
 *
 * - Drover: `drover up` with default settings (router on, default drain and route acknowledgement),
 *   a DOCKER app (BRIDGE, containerPort 80, servicePort P), an HTTP health check every 1 s,
 *   Marathon's default upgrade strategy (start new, kill old once the new is healthy). The load
 *   goes to the service port (the embedded router).
 * - Swarm: a health check every 1 s (`wget` in the image), parallelism 1, once with Swarm's
 *   default `--update-order stop-first`, once with `start-first`; `docker service update --image`.
 *   How clients reach it depends on BENCH_MESH_MODE:
 *   - `ingress`: `--publish published=P,target=80`, the routing mesh; the load goes to P.
 *   - `host`: `--publish mode=host,target=80`, one host port per replica, no mesh. The routing mesh
 *     balances with IPVS in the ingress sandbox; on a kernel without IPVS dockerd logs "Could not
 *     get ipvs family information from the kernel ... Native loadbalancing will not work", never
 *     programs the DOCKER-INGRESS rules, and the published port refuses connections. Without the
 *     mesh a Swarm user must find the replicas (a fixed host-mode port fits one replica per node),
 *     so the load polls Swarm's task list every BENCH_MESH_POLL_MS (tasks it wants running and
 *     reports running, i.e. healthy; bench/support/polled-load.ts) and spreads over them. For an
 *     honest pair the same client also runs against Drover's task list (TASK_RUNNING and healthy,
 *     no router) at the same interval: row `droverPolled`.
 *   - `auto` (default): `ingress` when the kernel has IPVS (/proc/sys/net/ipv4/vs), else `host`.
 * Each is run with two apps (BENCH_MESH_APPS=image,exits-on-term): `image`, the image as it is
 * (busybox httpd as PID 1 ignores SIGTERM, so an old instance keeps serving until SIGKILL at the
 * end of the grace: Drover's default 3 s, Swarm's 10 s), and `exits-on-term`, the same httpd
 * under a shell that stops it on SIGTERM (most servers do): an old instance refuses connections
 * as soon as it is told to stop, so what counts is whether clients were off it before.
 * Swarm is initialised on 127.0.0.1 if the engine is not in a swarm, and left afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  buildTestImages,
  HTTP_IMAGE,
  removeContainersUnder,
  requireDocker,
} from '../test/e2e/support/docker-fixtures.js';
import { DroverProcess, waitFor } from '../test/e2e/support/drover-process.js';
import { freeServicePort, getOnce, RouterLoad } from '../test/e2e/support/router-load.js';
import { Swarm } from './docker.bench.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { type HostPort, PolledLoad } from './support/polled-load.js';

const TIMEOUT_MS = 300_000;

interface Outcome {
  requests: number;
  failed: number;
  errors: Record<string, number>;
  upgradeMs: number;
}

type MeshMode = 'ingress' | 'host';

/** What the routing mesh needs from the kernel: dockerd programs ingress through IPVS. */
function meshMode(): MeshMode {
  const asked = process.env.BENCH_MESH_MODE ?? 'auto';
  if (asked === 'ingress' || asked === 'host') return asked;
  return existsSync('/proc/sys/net/ipv4/vs') ? 'ingress' : 'host';
}

function outcome(load: RouterLoad | PolledLoad, ms: number): Outcome {
  const errors: Record<string, number> = {};
  for (const r of load.failed()) errors[r.error ?? '?'] = (errors[r.error ?? '?'] ?? 0) + 1;
  return { requests: load.requests.length, failed: load.failed().length, errors, upgradeMs: Math.round(ms) };
}

/** Every one of `n` tries answers `body`. */
async function allAnswer(port: number, body: string, n = 10): Promise<boolean> {
  for (let i = 0; i < n; i++)
    if ((await getOnce('127.0.0.1', port, 1_000, '/', true)).message !== body) return false;
  return true;
}

/** `n` instances listed, and each answers `body`. */
async function eachAnswers(list: () => Promise<HostPort[]>, n: number, body: string): Promise<boolean> {
  const all = await list();
  if (all.length !== n) return false;
  for (const e of all) if ((await getOnce(e.host, e.port, 1_000, '/', true)).message !== body) return false;
  return true;
}

type AppKind = 'image' | 'exits-on-term';

/** httpd under a shell that stops it and exits on SIGTERM (the image's httpd ignores it). */
const EXITS_ON_TERM = 'trap "kill $pid; exit 0" TERM; httpd -f -p 80 -h /www & pid=$!; wait';

function droverApp(port: number, image: string, instances: number, kind: AppKind) {
  return {
    id: '/mesh',
    instances,
    ...(kind === 'exits-on-term' ? { cmd: EXITS_ON_TERM } : {}),
    cpus: 0,
    mem: 16,
    container: {
      type: 'DOCKER',
      docker: {
        image,
        network: 'BRIDGE',
        portMappings: [{ containerPort: 80, hostPort: 0, servicePort: port }],
      },
    },
    healthChecks: [{ protocol: 'HTTP', path: '/', portIndex: 0, intervalSeconds: 1, gracePeriodSeconds: 30 }],
  };
}

interface Client {
  /** 'router': the load goes to the service port; 'polled': it polls the task list itself. */
  via: 'router' | 'polled';
  pollMs: number;
}

async function droverUpgrade(instances: number, client: Client, kind: AppKind): Promise<Outcome> {
  const drover = await DroverProcess.start({ agents: 1 });
  const engine = await requireDocker();
  try {
    const port = await freeServicePort();
    await drover.api.json('POST', '/v2/apps', droverApp(port, HTTP_IMAGE('v1'), instances, kind), [201]);
    const routed = async () => {
      const { routes } = await drover.api.get<{ routes: Array<{ backends: unknown[] }> }>('/v2/routes/mesh');
      return routes[0]?.backends.length ?? 0;
    };
    // The client's own view: running and healthy, as a discovery client would read Marathon's API.
    const listed = async (): Promise<HostPort[]> => {
      const { tasks } = await drover.api.get<{ tasks: DroverTask[] }>('/v2/apps/mesh/tasks');
      return tasks
        .filter((t) => t.state === 'TASK_RUNNING' && t.healthCheckResults.length > 0)
        .filter((t) => t.healthCheckResults.every((h) => h.alive === true))
        .map((t) => ({ host: t.host, port: t.ports[0]! }));
    };
    const answering = (body: string) =>
      client.via === 'router' ? allAnswer(port, body) : eachAnswers(listed, instances, body);
    await waitFor(async () => (await routed()) === instances && (await answering('v1')), {
      what: 'v1 routed',
      timeoutMs: TIMEOUT_MS,
    });
    const load =
      client.via === 'router'
        ? RouterLoad.start('127.0.0.1', port, { concurrency: 4, text: true })
        : await PolledLoad.start(listed, { pollMs: client.pollMs, concurrency: 4 });
    const t0 = performance.now();
    await drover.api.json('PUT', '/v2/apps/mesh', droverApp(port, HTTP_IMAGE('v2'), instances, kind));
    await waitFor(
      async () =>
        (await drover.api.get<unknown[]>('/v2/deployments')).length === 0 &&
        (await routed()) === instances &&
        (await answering('v2')),
      { what: 'the Drover upgrade done', timeoutMs: TIMEOUT_MS },
    );
    const ms = performance.now() - t0;
    await load.stop();
    return outcome(load, ms);
  } finally {
    await drover.cleanup();
    await removeContainersUnder(engine, drover.dataDir);
    await engine.close();
  }
}

interface DroverTask {
  host: string;
  ports: number[];
  state: string;
  healthCheckResults: Array<{ alive?: boolean }>;
}

const SWARM_HEALTH = [
  '--health-cmd',
  'wget -q -O /dev/null http://127.0.0.1/',
  '--health-interval',
  '1s',
  '--health-start-period',
  '30s',
];

async function swarmUpgrade(
  swarm: Swarm,
  instances: number,
  order: 'stop-first' | 'start-first',
  mode: MeshMode,
  pollMs: number,
  kind: AppKind,
): Promise<Outcome> {
  const name = `drover-bench-mesh-${process.pid}-${order}`;
  const command = kind === 'exits-on-term' ? ['sh', '-c', EXITS_ON_TERM] : [];
  const port = await freeServicePort();
  const publish = mode === 'ingress' ? `published=${port},target=80` : 'mode=host,target=80';
  const listed = () => swarm.runningTasks(name);
  const answering = (body: string) =>
    mode === 'ingress' ? allAnswer(port, body) : eachAnswers(listed, instances, body);
  try {
    await swarm.create(name, HTTP_IMAGE('v1'), instances, 10, 1, publish, order, SWARM_HEALTH, command);
    // Every replica up before the update starts.
    await waitFor(async () => (await runningReplicas(name)) === instances && (await answering('v1')), {
      what: `${instances} replicas answering v1 (${mode} publishing)`,
      timeoutMs: TIMEOUT_MS,
    });
    const load =
      mode === 'ingress'
        ? RouterLoad.start('127.0.0.1', port, { concurrency: 4, text: true })
        : await PolledLoad.start(listed, { pollMs, concurrency: 4 });
    const t0 = performance.now();
    await swarm.update(name, HTTP_IMAGE('v2'));
    await delay(500);
    await waitFor(async () => (await swarm.updated(name)) && (await answering('v2')), {
      what: 'the Swarm update done',
      timeoutMs: TIMEOUT_MS,
    });
    const ms = performance.now() - t0;
    await load.stop();
    return outcome(load, ms);
  } finally {
    await swarm.remove(name);
  }
}

async function runningReplicas(name: string): Promise<number> {
  const { stdout } = await promisify(execFile)('docker', [
    'service',
    'ls',
    '--filter',
    `name=${name}`,
    '--format',
    '{{.Replicas}}',
  ]);
  const [running] = stdout.trim().split('/');
  return Number(running);
}

export async function benchRouterSwarm() {
  const instances = Number(process.env.BENCH_MESH_INSTANCES ?? 5);
  const rounds = Number(process.env.BENCH_MESH_ROUNDS ?? 1);
  const pollMs = Number(process.env.BENCH_MESH_POLL_MS ?? 1_000);
  const kinds = (process.env.BENCH_MESH_APPS ?? 'image,exits-on-term').split(',') as AppKind[];
  const mode = meshMode();
  const before = machine();
  await buildTestImages();
  const engine = await requireDocker();
  const swarm = new Swarm(engine);
  const results: Record<string, Record<string, Outcome[]>> = {};
  const record = (kind: AppKind, row: string, o: Outcome) => {
    const rows = results[kind] ?? {};
    rows[row] = [...(rows[row] ?? []), o];
    results[kind] = rows;
  };
  try {
    await swarm.init();
    for (let i = 0; i < rounds; i++) {
      for (const kind of kinds) {
        record(kind, 'drover', await droverUpgrade(instances, { via: 'router', pollMs }, kind));
        if (mode === 'host')
          record(kind, 'droverPolled', await droverUpgrade(instances, { via: 'polled', pollMs }, kind));
        record(
          kind,
          'swarmStopFirst',
          await swarmUpgrade(swarm, instances, 'stop-first', mode, pollMs, kind),
        );
        record(
          kind,
          'swarmStartFirst',
          await swarmUpgrade(swarm, instances, 'start-first', mode, pollMs, kind),
        );
      }
    }
  } finally {
    await swarm.leave();
    await engine.close();
  }
  return {
    bench: 'router-swarm',
    machineBefore: before,
    machineAfter: machine(),
    instances,
    rounds,
    swarmPublishing: mode,
    ...(mode === 'host' ? { pollMs } : {}),
    results,
  };
}

if (isMain(import.meta.url)) await runAlone('router-swarm', benchRouterSwarm);
