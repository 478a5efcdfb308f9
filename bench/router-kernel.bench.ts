/**
 * Evidence (issue 15's closing note): what the hardware allows for the router's traffic, with a
 * hand-written rule. The shipped path is `--router kernel` (src/router/kernel-router.ts), which
 * router.bench.ts measures through a real `drover up`. The same 2 http-echo tasks are reached four ways in one run, rounds
 * alternating the order: `direct` (task 0's port), `kernel` (a Linux DNAT rule on the loopback:
 * the kernel rewrites each new connection to one of the tasks, every other connection to each, so
 * no process copies a byte), `haproxyTcp` (Debian's HAProxy, TCP mode, leastconn) and `router`
 * (the embedded router alone in a process, support/router-alone.ts, Prometheus metrics on).
 * Keep-alive (autocannon) and fresh-connection rates, and the ratios to `direct` per round.
 *
 *   sudo node --import tsx bench/router-kernel.bench.ts      # needs root and iptables
 *   # BENCH_ROUNDS (5), BENCH_SECONDS (4), BENCH_CONNECTIONS (20), BENCH_PIN (split | none)
 *
 * BENCH_PIN=split (default, the layout of router.bench.ts's idle-machine run): the load generator
 * (this process) on CPU 0; tasks and proxies on CPU 1. The rules it adds (nat table, OUTPUT chain,
 * tagged with a comment naming this process) are removed when it ends, also on SIGINT/SIGTERM.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { waitFor } from '../test/e2e/support/drover-process.js';
import { freeServicePort, getOnce } from '../test/e2e/support/router-load.js';
import { load } from './support/autocannon-load.js';
import { pin } from './support/cpu-pin.js';
import { freshConnections } from './support/fresh-connections.js';
import { machine } from './support/machine.js';
import { echoTasks, haproxyTcp, routerAlone } from './support/router-peers.js';
import { median, round } from './support/stats.js';

type Path = 'direct' | 'kernel' | 'haproxyTcp' | 'router';

export async function benchRouterKernel(): Promise<Record<string, unknown>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const split = (process.env.BENCH_PIN ?? 'split') === 'split';
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'drover-router-kernel-'));
  const rules: string[][] = [];
  const dropRules = () => {
    for (const r of rules.splice(0)) {
      try {
        execFileSync('iptables', ['-t', 'nat', '-D', ...r], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  };
  const onSignal = () => {
    dropRules();
    process.exit(1);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const startedAt = machine();
  try {
    const tasks = await echoTasks(2);
    children.push(...tasks.map((t) => t.child));
    const taskPorts = tasks.map((t) => t.port);
    const router = await routerAlone('src/router/tcp-router.ts', taskPorts);
    children.push(router.child);
    const haproxy = await haproxyTcp(dir, taskPorts, split ? '1' : undefined);
    children.push(haproxy.child);

    // The kernel path: nothing listens on kernelPort; the nat table's OUTPUT chain rewrites each
    // new connection's destination (conntrack keeps it for the connection's later packets).
    const kernelPort = await freeServicePort();
    const tag = ['-m', 'comment', '--comment', `drover-router-kernel-bench-${process.pid}`];
    const match = ['OUTPUT', '-p', 'tcp', '-d', '127.0.0.1', '--dport', String(kernelPort), ...tag];
    rules.push(
      [
        ...match,
        '-m',
        'statistic',
        '--mode',
        'nth',
        '--every',
        '2',
        '--packet',
        '0',
        '-j',
        'DNAT',
        '--to-destination',
        `127.0.0.1:${taskPorts[0]}`,
      ],
      [...match, '-j', 'DNAT', '--to-destination', `127.0.0.1:${taskPorts[1]}`],
    );
    for (const r of rules) execFileSync('iptables', ['-t', 'nat', '-A', ...r]);
    await waitFor(async () => (await getOnce('127.0.0.1', kernelPort)).ok, { what: 'the DNAT rule answers' });

    if (split) {
      pin(process.pid, '0');
      for (const c of children) if (c !== haproxy.child) pin(c.pid!, '1');
    }
    const ports: Record<Path, number> = {
      direct: taskPorts[0]!,
      kernel: kernelPort,
      haproxyTcp: haproxy.port,
      router: router.port,
    };
    const paths = Object.keys(ports) as Path[];
    const keepAlive = Object.fromEntries(paths.map((p) => [p, [] as number[]])) as Record<Path, number[]>;
    const fresh = Object.fromEntries(paths.map((p) => [p, [] as number[]])) as Record<Path, number[]>;
    for (const p of paths) await load(`http://127.0.0.1:${ports[p]}/`, 1, connections); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
        keepAlive[p].push(
          Math.round((await load(`http://127.0.0.1:${ports[p]}/`, seconds, connections)).rps),
        );
        await delay(200);
        const answered = await freshConnections(
          [new URL(`http://127.0.0.1:${ports[p]}/`)],
          seconds,
          connections,
        );
        fresh[p].push(Math.round(answered / seconds));
        await delay(200);
      }
    }
    // Each round's paths ran back to back: the median of the per-round ratios.
    const ratios = (rps: Record<Path, number[]>) =>
      Object.fromEntries(
        paths
          .filter((p) => p !== 'direct')
          .map((p) => [p, round(median(rps[p].map((x, i) => x / rps.direct[i]!)))]),
      );
    const medians = (rps: Record<Path, number[]>) =>
      Object.fromEntries(paths.map((p) => [p, median(rps[p])]));
    return {
      machine: startedAt,
      loadavgAfter: machine().loadavg,
      settings: { rounds, seconds, connections, pin: split ? 'split' : 'none', tasks: 2 },
      keepAlive: { rps: medians(keepAlive), vsDirect: ratios(keepAlive), rounds: keepAlive },
      freshConnections: { rps: medians(fresh), vsDirect: ratios(fresh), rounds: fresh },
    };
  } finally {
    dropRules();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchRouterKernel().then(
    (r) => console.log(JSON.stringify({ bench: 'router-kernel', ...r })),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
