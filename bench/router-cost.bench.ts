/**
 * Issue 15: what the embedded router's TCP data path costs, per request on keep-alive connections
 * and per fresh connection, as CPU time of the router's own process (/proc/<pid>/stat), with
 * HAProxy in TCP mode (the same job: splice a connection to the least-loaded task) beside it as the
 * control. CPU per request survives a shared machine better than requests/s do.
 *
 *   node --import tsx bench/router-cost.bench.ts
 *   # BENCH_ROUNDS (4), BENCH_SECONDS (4), BENCH_CONNECTIONS (20)
 *   # BENCH_ROUTER_VARIANTS=src/router/tcp-router.ts,/path/to/other/tcp-router.ts: A/B of two versions
 *
 * Each variant runs alone in a process (support/router-alone.ts, Prometheus metrics on) in front of
 * the same 2 http-echo tasks; rounds alternate the order of the targets (A B H, then H B A, ...).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { load } from './support/autocannon-load.js';
import { cpuMs } from './support/cpu-time.js';
import { freshConnections } from './support/fresh-connections.js';
import { machine } from './support/machine.js';
import { echoTasks, haproxyTcp, routerAlone } from './support/router-peers.js';
import { median, round } from './support/stats.js';

interface Target {
  name: string;
  port: number;
  pid: number;
}

export async function benchRouterCost(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const variants = (process.env.BENCH_ROUTER_VARIANTS ?? 'src/router/tcp-router.ts').split(',');
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'drover-router-cost-'));
  const startedAt = machine();
  try {
    const tasks = await echoTasks(2);
    children.push(...tasks.map((t) => t.child));
    const backendPorts = tasks.map((t) => t.port);
    const targets: Target[] = [];
    for (const [i, module] of variants.entries()) {
      const r = await routerAlone(module, backendPorts);
      children.push(r.child);
      targets.push({
        name: variants.length > 1 ? `router${'AB'[i] ?? i}` : 'router',
        port: r.port,
        pid: r.child.pid!,
      });
    }
    const ha = await haproxyTcp(dir, backendPorts);
    children.push(ha.child);
    targets.push({ name: 'haproxyTcp', port: ha.port, pid: ha.child.pid! });

    const keepAlive: Record<string, { rps: number[]; cpuMsPer1k: number[] }> = {};
    const fresh: Record<string, { rps: number[]; cpuMsPer1k: number[] }> = {};
    for (const t of targets) {
      keepAlive[t.name] = { rps: [], cpuMsPer1k: [] };
      fresh[t.name] = { rps: [], cpuMsPer1k: [] };
    }
    for (const t of targets) await load(`http://127.0.0.1:${t.port}/`, 1, connections); // warm-up
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        let cpu0 = cpuMs(t.pid);
        const s = await load(`http://127.0.0.1:${t.port}/`, seconds, connections);
        keepAlive[t.name]!.cpuMsPer1k.push(round(((cpuMs(t.pid) - cpu0) * 1000) / Math.max(1, s.total), 1));
        keepAlive[t.name]!.rps.push(Math.round(s.rps));
        await delay(200);
        cpu0 = cpuMs(t.pid);
        const answered = await freshConnections(
          [new URL(`http://127.0.0.1:${t.port}/`)],
          seconds,
          connections,
        );
        fresh[t.name]!.cpuMsPer1k.push(round(((cpuMs(t.pid) - cpu0) * 1000) / Math.max(1, answered), 1));
        fresh[t.name]!.rps.push(Math.round(answered / seconds));
        await delay(200);
      }
    }
    const summary = (m: typeof keepAlive) =>
      Object.fromEntries(
        Object.entries(m).map(([k, v]) => [
          k,
          { rps: median(v.rps), cpuMsPer1k: median(v.cpuMsPer1k), rounds: v },
        ]),
      );
    return {
      machine: startedAt,
      loadavgAfter: machine().loadavg,
      settings: { rounds, seconds, connections, variants, tasks: 2 },
      keepAlive: summary(keepAlive),
      freshConnections: summary(fresh),
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchRouterCost().then(
    (r) => console.log(JSON.stringify({ bench: 'router-cost', ...r })),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
