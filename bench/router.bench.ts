/**
 * Issue 15: requests/s and p99 latency through the embedded router vs straight to one task, and
 * vs Debian's HAProxy in front of the same tasks, in the same run (alternating A B C, `rounds`
 * times; medians reported). Load: autocannon, keep-alive connections, GET /.
 *
 *   node --import tsx bench/router.bench.ts        # BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_CONNECTIONS (20)
 *
 * The app is examples/http-echo.js with 2 instances; "direct" hits one task only, so the router and
 * HAProxy (both balancing over 2 tasks) are compared with a single task's capacity as the base.
 * Also reported: each proxy's own CPU time per 1000 requests (/proc/<pid>/stat), which a loaded
 * machine disturbs less than requests/s; and the same three paths with each request on a fresh
 * connection (`connections` workers, 1 s timeout), where the proxy's per-connection cost shows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DroverProcess, waitFor } from '../test/e2e/support/drover-process.js';
import { freeServicePort, getOnce } from '../test/e2e/support/router-load.js';
import { load, type Sample } from './support/autocannon-load.js';
import { cpuMs } from './support/cpu-time.js';
import { machine } from './support/machine.js';
import { median } from './support/stats.js';

export async function benchRouter(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const drover = await DroverProcess.start({ agents: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'drover-haproxy-bench-'));
  let haproxy: ReturnType<typeof spawn> | undefined;
  try {
    const servicePort = await freeServicePort();
    await drover.api.json(
      'POST',
      '/v2/apps',
      {
        id: '/bench',
        cmd: 'node examples/http-echo.js',
        instances: 2,
        cpus: 0.01,
        mem: 32,
        portDefinitions: [{ port: servicePort }],
      },
      [201],
    );
    const tasks = await waitFor(
      async () => {
        const { routes } = await drover.api.get<{
          routes: Array<{ backends: Array<{ host: string; port: number }> }>;
        }>('/v2/routes/bench');
        const b = routes[0]?.backends ?? [];
        return b.length === 2 && (await getOnce('127.0.0.1', servicePort)).ok ? b : false;
      },
      { what: 'two routed tasks', timeoutMs: 60_000 },
    );
    const haPort = await freeServicePort();
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(
      cfg,
      [
        'global',
        '  maxconn 4096',
        'defaults',
        '  mode http',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        `frontend f`,
        `  bind 127.0.0.1:${haPort}`,
        '  default_backend b',
        'backend b',
        '  balance leastconn',
        ...tasks.map((t, i) => `  server t${i} ${t.host}:${t.port}`),
        '',
      ].join('\n'),
    );
    haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
    await waitFor(async () => (await getOnce('127.0.0.1', haPort)).ok, { what: 'haproxy answers' });

    const targets = {
      direct: `http://${tasks[0]!.host}:${tasks[0]!.port}/`,
      router: `http://127.0.0.1:${servicePort}/`,
      haproxy: `http://127.0.0.1:${haPort}/`,
    };
    const samples: Record<keyof typeof targets, Sample[]> = { direct: [], router: [], haproxy: [] };
    // The proxy's own CPU per request: `drover up` (the router, with the idle master and agents
    // beside it) and HAProxy's one process.
    const proxyPid: Partial<Record<keyof typeof targets, number>> = {
      router: drover.pid,
      haproxy: haproxy.pid,
    };
    const cpuPer1k: Record<keyof typeof targets, number[]> = { direct: [], router: [], haproxy: [] };
    // The same, each request on a fresh connection (as the upgrade load loop and HTTP/1.0 clients).
    const freshRps: Record<keyof typeof targets, number[]> = { direct: [], router: [], haproxy: [] };
    const freshCpuPer1k: Record<keyof typeof targets, number[]> = { direct: [], router: [], haproxy: [] };
    await load(targets.direct, 1, connections); // warm-up
    for (let i = 0; i < rounds; i++) {
      for (const k of Object.keys(targets) as Array<keyof typeof targets>) {
        const pid = proxyPid[k];
        let cpu0 = pid ? cpuMs(pid) : 0;
        const sample = await load(targets[k], seconds, connections);
        if (pid) cpuPer1k[k].push(((cpuMs(pid) - cpu0) * 1000) / Math.max(1, sample.total));
        samples[k].push(sample);
        await delay(200);
        cpu0 = pid ? cpuMs(pid) : 0;
        const answered = await freshConnections(new URL(targets[k]), seconds, connections);
        if (pid) freshCpuPer1k[k].push(((cpuMs(pid) - cpu0) * 1000) / Math.max(1, answered));
        freshRps[k].push(answered / seconds);
        await delay(200);
      }
    }
    const sum = (k: keyof typeof targets) => ({
      rps: median(samples[k].map((s) => s.rps)),
      p99: median(samples[k].map((s) => s.p99)),
      errors: samples[k].reduce((a, s) => a + s.errors, 0),
    });
    const direct = sum('direct');
    const router = sum('router');
    const ha = sum('haproxy');
    return {
      machine: machine(),
      settings: { rounds, seconds, connections, instances: 2 },
      direct,
      router,
      haproxy: ha,
      routerVsDirect: router.rps / direct.rps,
      routerVsHaproxy: router.rps / ha.rps,
      proxyCpuMsPer1kRequests: {
        router: median(cpuPer1k.router),
        haproxy: median(cpuPer1k.haproxy),
      },
      freshConnections: {
        rps: {
          direct: median(freshRps.direct),
          router: median(freshRps.router),
          haproxy: median(freshRps.haproxy),
        },
        proxyCpuMsPer1kRequests: {
          router: median(freshCpuPer1k.router),
          haproxy: median(freshCpuPer1k.haproxy),
        },
      },
      rpsPerRound: Object.fromEntries(
        Object.entries(samples).map(([k, v]) => [k, v.map((s) => Math.round(s.rps))]),
      ),
    };
  } finally {
    haproxy?.kill('SIGTERM');
    await drover.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `workers` loops of GET / on a fresh connection each, for `seconds`: how many answered 200. */
async function freshConnections(url: URL, seconds: number, workers: number): Promise<number> {
  let answered = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) if ((await getOnce(url.hostname, Number(url.port))).ok) answered++;
    }),
  );
  return answered;
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
