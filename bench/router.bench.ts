/**
 * Issue 15: requests/s and p99 latency through the embedded router vs straight to the tasks, and
 * vs Debian's HAProxy in front of the same tasks, in the same run (the paths alternate, `rounds`
 * times; medians reported). Load: autocannon (in this process), keep-alive connections, GET /.
 *
 *   node --import tsx bench/router.bench.ts
 *   # BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_CONNECTIONS (20), BENCH_PIN (none)
 *
 * The app is examples/http-echo.js with 2 instances. Paths: `direct` (one task's port: the
 * issue's "direct to a task"), `directAll` (the same connections split over both tasks' ports, as
 * a client that knew every task would), `router` (the service port), `haproxy` (HTTP mode,
 * leastconn) and `haproxyTcp` (TCP mode, leastconn: the same job as the router); as root (or
 * BENCH_KERNEL=on; off to leave it out) also `kernel`: a second `drover up --router kernel` with
 * the same app (2 instances of its own, laid out as the first one's tasks), reached on its
 * service port, i.e. through its iptables DNAT rules (src/router/kernel-router.ts).
 * Also reported: each proxy's own CPU time per 1000 requests (/proc/<pid>/stat), which a loaded
 * machine disturbs less than requests/s; and the same paths with each request on a fresh
 * connection (`connections` workers, 1 s timeout), where the proxy's per-connection cost shows.
 *
 * BENCH_PIN lays the processes out on CPUs 0 and 1 (taskset), the same for every path:
 *   none    no pinning: load generator, tasks and proxy share every CPU
 *   split   load generator on CPU 0; tasks and proxies (drover up, HAProxy) on CPU 1: the proxy
 *           on the tasks' host, taking their CPU
 *   client  load generator and proxies on CPU 0; tasks on CPU 1: the proxy on the client's host
 *           (as HAProxy on every Marathon slave), the tasks' CPU their own
 * (drover up holds the router together with the idle master and agents.)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DroverProcess, waitFor } from '../test/e2e/support/drover-process.js';
import { freeServicePort, getOnce } from '../test/e2e/support/router-load.js';
import { load, type Sample } from './support/autocannon-load.js';
import { descendants, pin } from './support/cpu-pin.js';
import { cpuMs } from './support/cpu-time.js';
import { freshConnections } from './support/fresh-connections.js';
import { machine } from './support/machine.js';
import { haproxy } from './support/router-peers.js';
import { median, round } from './support/stats.js';

export async function benchRouter(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const taskCpus = Number(process.env.BENCH_TASK_CPUS ?? 0.01);
  const kernelOn = (process.env.BENCH_KERNEL ?? (process.getuid?.() === 0 ? 'on' : 'off')) === 'on';
  const drover = await DroverProcess.start({ agents: 2 });
  const droverKernel = kernelOn
    ? await DroverProcess.start({ agents: 2, args: ['--router', 'kernel'] }).catch(async (err) => {
        await drover.cleanup();
        throw err;
      })
    : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'drover-haproxy-bench-'));
  const haproxies: ChildProcess[] = [];
  const startedAt = machine();
  try {
    const servicePort = await freeServicePort();
    const tasks = await deployBench(drover, servicePort, taskCpus);
    const kernelPort = droverKernel ? await freeServicePort() : 0;
    if (droverKernel) await deployBench(droverKernel, kernelPort, taskCpus);
    const layout = pinLayout(process.env.BENCH_PIN ?? 'none');
    const haproxyStart = (mode: 'http' | 'tcp') => haproxy(dir, mode, tasks, layout?.proxy);
    const haHttp = await haproxyStart('http');
    const haTcp = await haproxyStart('tcp');
    haproxies.push(haHttp.child, haTcp.child);
    if (layout) {
      const taskPids = descendants(drover.pid!);
      pin(process.pid, layout.load);
      pin(drover.pid!, layout.proxy);
      for (const p of taskPids) pin(p, layout.tasks);
      // Its router is the kernel's (softirq on whichever CPU the packet is on): only its tasks.
      if (droverKernel) for (const p of descendants(droverKernel.pid!)) pin(p, layout.tasks);
    }

    const taskUrls = tasks.map((t) => `http://${t.host}:${t.port}/`);
    type Path = 'direct' | 'directAll' | 'router' | 'haproxy' | 'haproxyTcp' | 'kernel';
    const urls: Record<Path, string[]> = {
      direct: [taskUrls[0]!],
      directAll: taskUrls,
      router: [`http://127.0.0.1:${servicePort}/`],
      haproxy: [`http://127.0.0.1:${haHttp.port}/`],
      haproxyTcp: [`http://127.0.0.1:${haTcp.port}/`],
      kernel: [`http://127.0.0.1:${kernelPort}/`],
    };
    const paths = (Object.keys(urls) as Path[]).filter((p) => p !== 'kernel' || droverKernel);
    const perPath = <T>(): Record<Path, T[]> =>
      Object.fromEntries(paths.map((p) => [p, [] as T[]])) as unknown as Record<Path, T[]>;
    const samples = perPath<Sample>();
    // The proxy's own CPU per request: `drover up` (the router, with the idle master and agents
    // beside it) and HAProxy's one process.
    const proxyPid: Partial<Record<Path, number>> = {
      router: drover.pid!,
      haproxy: haHttp.child.pid!,
      haproxyTcp: haTcp.child.pid!,
    };
    const cpuPer1k = perPath<number>();
    // The same, each request on a fresh connection (as the upgrade load loop and HTTP/1.0 clients).
    const freshRps = perPath<number>();
    const freshCpuPer1k = perPath<number>();
    for (const u of taskUrls) await load(u, 1, connections); // warm-up
    await load(urls.router[0]!, 1, connections);
    if (droverKernel) await load(urls.kernel[0]!, 1, connections);
    for (let i = 0; i < rounds; i++) {
      // Alternate the order: direct first in even rounds, last in odd ones.
      for (const k of i % 2 === 0 ? paths : [...paths].reverse()) {
        const pid = proxyPid[k];
        let cpu0 = pid ? cpuMs(pid) : 0;
        const sample = await loadSplit(urls[k], seconds, connections);
        if (pid) cpuPer1k[k].push(((cpuMs(pid) - cpu0) * 1000) / Math.max(1, sample.total));
        samples[k].push(sample);
        await delay(200);
        cpu0 = pid ? cpuMs(pid) : 0;
        const answered = await freshConnections(
          urls[k].map((u) => new URL(u)),
          seconds,
          connections,
        );
        if (pid) freshCpuPer1k[k].push(((cpuMs(pid) - cpu0) * 1000) / Math.max(1, answered));
        freshRps[k].push(answered / seconds);
        await delay(200);
      }
    }
    const sum = (k: Path) => ({
      rps: Math.round(median(samples[k].map((s) => s.rps))),
      p99: median(samples[k].map((s) => s.p99)),
      errors: samples[k].reduce((a, s) => a + s.errors, 0),
    });
    const keepAlive = Object.fromEntries(paths.map((p) => [p, sum(p)])) as Record<
      Path,
      ReturnType<typeof sum>
    >;
    const fresh = Object.fromEntries(paths.map((p) => [p, Math.round(median(freshRps[p]))])) as Record<
      Path,
      number
    >;
    const ratios = (rps: Record<Path, number>) => ({
      ...(droverKernel
        ? {
            kernelVsDirect: round(rps.kernel / rps.direct),
            kernelVsDirectAll: round(rps.kernel / rps.directAll),
          }
        : {}),
      routerVsDirect: round(rps.router / rps.direct),
      haproxyVsDirect: round(rps.haproxy / rps.direct),
      haproxyTcpVsDirect: round(rps.haproxyTcp / rps.direct),
      routerVsDirectAll: round(rps.router / rps.directAll),
      haproxyVsDirectAll: round(rps.haproxy / rps.directAll),
      haproxyTcpVsDirectAll: round(rps.haproxyTcp / rps.directAll),
    });
    const proxies = ['router', 'haproxy', 'haproxyTcp'] as const;
    return {
      machine: startedAt,
      loadavgAfter: machine().loadavg,
      settings: {
        rounds,
        seconds,
        connections,
        taskCpus,
        instances: 2,
        pin: process.env.BENCH_PIN ?? 'none',
        kernel: kernelOn,
        layout,
      },
      keepAlive,
      keepAliveRatios: ratios(
        Object.fromEntries(paths.map((p) => [p, keepAlive[p].rps])) as Record<Path, number>,
      ),
      proxyCpuMsPer1kRequests: Object.fromEntries(proxies.map((p) => [p, round(median(cpuPer1k[p]), 1)])),
      freshConnections: {
        rps: fresh,
        ratios: ratios(fresh),
        proxyCpuMsPer1kRequests: Object.fromEntries(
          proxies.map((p) => [p, round(median(freshCpuPer1k[p]), 1)]),
        ),
      },
      rpsPerRound: Object.fromEntries(
        Object.entries(samples).map(([k, v]) => [k, v.map((s) => Math.round(s.rps))]),
      ),
      freshRpsPerRound: freshRps,
    };
  } finally {
    for (const h of haproxies) h.kill('SIGTERM');
    await drover.cleanup();
    await droverKernel?.stop('SIGTERM').catch(() => undefined);
    await droverKernel?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench app (2 instances of examples/http-echo.js) on `servicePort`; its 2 routed tasks. */
async function deployBench(
  drover: DroverProcess,
  servicePort: number,
  taskCpus: number,
): Promise<Array<{ host: string; port: number }>> {
  await drover.api.json(
    'POST',
    '/v2/apps',
    {
      id: '/bench',
      cmd: 'node examples/http-echo.js',
      instances: 2,
      cpus: taskCpus,
      mem: 32,
      portDefinitions: [{ port: servicePort }],
    },
    [201],
  );
  return waitFor(
    async () => {
      const { routes } = await drover.api.get<{
        routes: Array<{ backends: Array<{ host: string; port: number }> }>;
      }>('/v2/routes/bench');
      const b = routes[0]?.backends ?? [];
      return b.length === 2 && (await getOnce('127.0.0.1', servicePort)).ok ? b : false;
    },
    { what: 'two routed tasks', timeoutMs: 60_000 },
  );
}

interface PinLayout {
  load: string;
  tasks: string;
  proxy: string;
}

function pinLayout(mode: string): PinLayout | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'split') return { load: '0', tasks: '1', proxy: '1' };
  if (mode === 'client') return { load: '0', tasks: '1', proxy: '0' };
  throw new Error(`BENCH_PIN must be none, split or client, not ${mode}`);
}

/** autocannon with the connections split over `urls`, run at once: summed rate, worst p99. */
async function loadSplit(urls: string[], seconds: number, connections: number): Promise<Sample> {
  const parts = await Promise.all(
    urls.map((u, i) =>
      load(u, seconds, Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0)),
    ),
  );
  return {
    rps: parts.reduce((a, p) => a + p.rps, 0),
    p99: Math.max(...parts.map((p) => p.p99)),
    total: parts.reduce((a, p) => a + p.total, 0),
    errors: parts.reduce((a, p) => a + p.errors, 0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchRouter().then(
    (r) => console.log(JSON.stringify({ bench: 'router', ...r })),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
