/**
 * Issue 15: failed requests during a rolling upgrade, Swarm's routing mesh vs Drover's router,
 * same image (drover-test/http:v1 -> v2, busybox httpd), same engine, same load: 4 workers, each
 * GET / on a fresh connection with a 1 s timeout, back to back (test/e2e/support/router-load.ts),
 * from before the update starts until it is done and every answer is v2.
 *
 *   npm run build && node --import tsx bench/router-swarm.bench.ts      # one JSON line
 *   BENCH_MESH_INSTANCES=5 BENCH_MESH_ROUNDS=1 (defaults)
 *
 * - Drover: `drover up` with default settings (router on, default drain and route acknowledgement),
 *   a DOCKER app (BRIDGE, containerPort 80, servicePort P), an HTTP health check every 1 s,
 *   Marathon's default upgrade strategy (start new, kill old once the new is healthy).
 * - Swarm: `docker service create --publish published=P,target=80` (the ingress routing mesh),
 *   a health check every 1 s (`wget` in the image), parallelism 1; once with Swarm's default
 *   `--update-order stop-first`, once with `start-first`. `docker service update --image`.
 * Swarm is initialised on 127.0.0.1 if the engine is not in a swarm, and left afterwards.
 */
import { execFile } from 'node:child_process';
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

const TIMEOUT_MS = 300_000;

interface Outcome {
  requests: number;
  failed: number;
  errors: Record<string, number>;
  upgradeMs: number;
}

function outcome(load: RouterLoad, ms: number): Outcome {
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

function droverApp(port: number, image: string, instances: number) {
  return {
    id: '/mesh',
    instances,
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

async function droverUpgrade(instances: number): Promise<Outcome> {
  const drover = await DroverProcess.start({ agents: 1 });
  const engine = await requireDocker();
  try {
    const port = await freeServicePort();
    await drover.api.json('POST', '/v2/apps', droverApp(port, HTTP_IMAGE('v1'), instances), [201]);
    const routed = async () => {
      const { routes } = await drover.api.get<{ routes: Array<{ backends: unknown[] }> }>('/v2/routes/mesh');
      return routes[0]?.backends.length ?? 0;
    };
    await waitFor(async () => (await routed()) === instances && (await allAnswer(port, 'v1')), {
      what: 'v1 routed',
      timeoutMs: TIMEOUT_MS,
    });
    const load = RouterLoad.start('127.0.0.1', port, { concurrency: 4, text: true });
    const t0 = performance.now();
    await drover.api.json('PUT', '/v2/apps/mesh', droverApp(port, HTTP_IMAGE('v2'), instances));
    await waitFor(
      async () =>
        (await drover.api.get<unknown[]>('/v2/deployments')).length === 0 &&
        (await routed()) === instances &&
        (await allAnswer(port, 'v2')),
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

async function swarmUpgrade(
  swarm: Swarm,
  instances: number,
  order: 'stop-first' | 'start-first',
): Promise<Outcome> {
  const name = `drover-bench-mesh-${process.pid}-${order}`;
  const port = await freeServicePort();
  try {
    await swarm.create(name, HTTP_IMAGE('v1'), instances, 10, 1, `published=${port},target=80`, order, [
      '--health-cmd',
      'wget -q -O /dev/null http://127.0.0.1/',
      '--health-interval',
      '1s',
      '--health-start-period',
      '30s',
    ]);
    await waitFor(async () => (await swarm.containers(name)).length >= 0 && (await allAnswer(port, 'v1')), {
      what: 'v1 on the mesh',
      timeoutMs: TIMEOUT_MS,
    });
    // Every replica up before the update starts.
    await waitFor(async () => (await runningReplicas(name)) === instances, {
      what: `${instances} replicas`,
      timeoutMs: TIMEOUT_MS,
    });
    const load = RouterLoad.start('127.0.0.1', port, { concurrency: 4, text: true });
    const t0 = performance.now();
    await swarm.update(name, HTTP_IMAGE('v2'));
    await delay(500);
    await waitFor(async () => (await swarm.updated(name)) && (await allAnswer(port, 'v2')), {
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
  const before = machine();
  await buildTestImages();
  const engine = await requireDocker();
  const swarm = new Swarm(engine);
  const results: Record<string, Outcome[]> = { drover: [], swarmStopFirst: [], swarmStartFirst: [] };
  try {
    await swarm.init();
    for (let i = 0; i < rounds; i++) {
      results.drover!.push(await droverUpgrade(instances));
      results.swarmStopFirst!.push(await swarmUpgrade(swarm, instances, 'stop-first'));
      results.swarmStartFirst!.push(await swarmUpgrade(swarm, instances, 'start-first'));
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
    results,
  };
}

if (isMain(import.meta.url)) await runAlone('router-swarm', benchRouterSwarm);
