/**
 * Issue 16: the busy read path. `drover up` with 100 apps (one `sleep` task each) and 100
 * scheduled jobs; autocannon (20 keep-alive connections) on `GET /v2/apps` (about 83 KB),
 * `GET /v2/apps?embed=apps.tasks`, `GET /v2/tasks` and `GET /scheduler/jobs`, against plain Fastify
 * answering the same bytes from memory in its own process (bench/support/bytes-peer.ts), in the
 * same run, alternating which side goes first each round. Target: Drover >= 50% of the peer's
 * requests/s (the median of the rounds' drover/peer ratios). The state does not change while it is measured: this is what the cached views
 * (src/api/cached-view.ts) serve.
 *
 *   node --import tsx bench/read-views.bench.ts   # BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONNECTIONS (20)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DroverProcess, waitFor } from '../test/e2e/support/drover-process.js';
import { http } from '../test/e2e/support/http-json.js';
import { load, type Sample } from './support/autocannon-load.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { median } from './support/stats.js';

const APPS = 100;
const TARGET = 0.5;

const VIEWS = ['/v2/apps', '/v2/apps?embed=apps.tasks', '/v2/tasks', '/scheduler/jobs'] as const;

/** An app shaped like a real service's definition (labels for marathon-lb, env, a port): ~0.85 KB in /v2/apps. */
function app(i: number) {
  const n = String(i).padStart(3, '0');
  return {
    id: `/bench/team-${i % 10}/service-${n}`,
    cmd: 'sleep 3600',
    instances: 1,
    cpus: 0.01,
    mem: 8,
    backoffSeconds: 1,
    portDefinitions: [{ port: 0, name: 'http', protocol: 'tcp' }],
    env: { LOG_LEVEL: 'info' },
    labels: { HAPROXY_GROUP: 'external', HAPROXY_0_VHOST: `service-${n}.example.com` },
  };
}

function job(i: number) {
  return {
    name: `bench-job-${String(i).padStart(3, '0')}`,
    command: 'true',
    schedule: 'R/2030-01-01T00:00:00Z/P1D',
    owner: 'ops@example.com',
    cpus: 0.01,
    mem: 8,
  };
}

interface ViewResult {
  bytes: number;
  droverRps: number;
  peerRps: number;
  ratio: number;
  droverP99Ms: number;
  peerP99Ms: number;
  errors: number;
  droverRpsPerRound: number[];
  peerRpsPerRound: number[];
  met: boolean;
}

async function startPeer(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'support', 'bytes-peer.ts'), dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bytes peer exited ${code}`)));
  });
  return { child, port };
}

export async function benchReadViews() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const machineBefore = machine();
  const drover = await DroverProcess.start({ agents: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'drover-read-bench-'));
  let peer: ChildProcess | undefined;
  try {
    for (let i = 0; i < APPS; i++) await drover.api.json('POST', '/v2/apps', app(i), [201]);
    for (let i = 0; i < APPS; i++) await drover.api.json('POST', '/scheduler/iso8601', job(i), [204]);
    await waitFor(
      async () => {
        const { tasks } = await drover.api.get<{ tasks: Array<{ state: string }> }>('/v2/tasks');
        const deployments = await drover.api.get<unknown[]>('/v2/deployments');
        return tasks.filter((t) => t.state === 'TASK_RUNNING').length === APPS && deployments.length === 0;
      },
      { what: `${APPS} tasks running`, timeoutMs: 120_000 },
    );

    const bytes: Record<string, number> = {};
    for (const [i, path] of VIEWS.entries()) {
      const res = await http(`${drover.url}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      bytes[path] = Buffer.byteLength(res.text);
      writeFileSync(join(dir, `${i}.body`), res.text);
      writeFileSync(join(dir, `${i}.type`), String(res.headers['content-type']));
      writeFileSync(join(dir, `${i}.path`), path.split('?')[0]!);
    }
    // The peer serves one path once: the embed variant is compared with its own bytes on a path of its own.
    writeFileSync(join(dir, '1.path'), '/v2/apps-embed-tasks');
    const started = await startPeer(dir);
    peer = started.child;
    const peerUrl = (i: number, path: string) =>
      `http://127.0.0.1:${started.port}${i === 1 ? '/v2/apps-embed-tasks' : path.split('?')[0]}`;

    const results: Record<string, ViewResult> = {};
    for (const [i, path] of VIEWS.entries()) {
      const droverUrl = `${drover.url}${path}`;
      await load(droverUrl, 1, connections); // warm-up
      await load(peerUrl(i, path), 1, connections);
      const d: Sample[] = [];
      const p: Sample[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which side goes first, so neither always meets a warmer (or busier) machine.
        if (r % 2 === 0) {
          d.push(await load(droverUrl, seconds, connections));
          p.push(await load(peerUrl(i, path), seconds, connections));
        } else {
          p.push(await load(peerUrl(i, path), seconds, connections));
          d.push(await load(droverUrl, seconds, connections));
        }
        await delay(200);
      }
      const droverRps = median(d.map((s) => s.rps));
      const peerRps = median(p.map((s) => s.rps));
      // Paired: each round's two sides ran back to back, so a busy spell of the machine hits both.
      const ratio = Math.round(median(d.map((s, r) => s.rps / p[r]!.rps)) * 1000) / 1000;
      results[path] = {
        bytes: bytes[path] ?? 0,
        droverRps: Math.round(droverRps),
        peerRps: Math.round(peerRps),
        ratio,
        droverP99Ms: median(d.map((s) => s.p99)),
        peerP99Ms: median(p.map((s) => s.p99)),
        errors: [...d, ...p].reduce((a, s) => a + s.errors, 0),
        droverRpsPerRound: d.map((s) => Math.round(s.rps)),
        peerRpsPerRound: p.map((s) => Math.round(s.rps)),
        met: ratio >= TARGET && [...d, ...p].every((s) => s.errors === 0),
      };
    }
    return {
      machine: machineBefore,
      machineAfter: machine(),
      settings: { apps: APPS, jobs: APPS, rounds, seconds, connections },
      targetRatio: TARGET,
      views: results,
      met: Object.values(results).every((r) => r.met),
    };
  } finally {
    peer?.kill('SIGTERM');
    await drover.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runAlone('read-views', benchReadViews);
