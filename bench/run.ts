/**
 * `npm run bench`: every bench in turn, one JSON line each, then a summary against the targets of
 * issue 2. Each bench also runs alone (see its header). Pick some with arguments:
 *
 *   node --import tsx bench/run.ts            # a b c d
 *   node --import tsx bench/run.ts b c        # only those
 *   node --import tsx bench/run.ts events     # event delivery latency (issue 3)
 *   node --import tsx bench/run.ts health     # rolling upgrade under load, unhealthy replacement (issue 3)
 *   node --import tsx bench/run.ts docker     # docker executor vs Docker Swarm (issue 5)
 *   node --import tsx bench/run.ts ha         # leader failover, agent loss on namespace hosts (issue 6)
 *   node --import tsx bench/run.ts jobs       # 1,000 jobs due in one second (10 runs), 10,000 in one minute (issue 16)
 *   node --import tsx bench/run.ts read       # cached GET /v2/apps, /v2/tasks, /scheduler/jobs vs plain Fastify (issue 16)
 *   node --import tsx bench/run.ts failover   # leader kill -9 with 100,000 tasks in PostgreSQL to the next accepted write (issue 16)
 *   node --import tsx bench/run.ts ui         # web UI: apps page with 1,000 apps, event feed at 200/s over them (issue 10)
 *   node --import tsx bench/run.ts ui-events  # web UI: event feed at 200/s on a small cluster (issue 10)
 *
 * Tuning: BENCH_RUNS (b, default 5 pairs), BENCH_INSTANCES (b, 100), BENCH_KILLS (c, 10 pairs).
 */

import { benchDocker } from './docker.bench.js';
import { benchEventLatency } from './event-latency.bench.js';
import { benchFailoverLoad } from './failover-load.bench.js';
import { benchHa } from './ha.bench.js';
import { benchHealth } from './health.bench.js';
import { benchJobsFiring } from './jobs-firing.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchPlacement } from './placement.bench.js';
import { benchProtocolPlacement } from './protocol-placement.bench.js';
import { benchReadViews } from './read-views.bench.js';
import { benchRestartAfterKill } from './restart-after-kill.bench.js';
import { benchStart100 } from './start-100.bench.js';
import { machine } from './support/machine.js';
import { benchUiApps, UI_RENDER_TARGET_MS } from './ui-apps.bench.js';
import { benchUiEvents, FEED_LAG_TARGET_MS, type FeedResult } from './ui-events.bench.js';

/** The web UI's event feed: it keeps up when it counted every event and drew them within ~1 s. */
function feedLine(cluster: string, f: FeedResult): Line {
  return {
    bench: 'web UI event feed',
    measure: `${f.sentPerSec} events/s for ${f.seconds} s on the overview (${cluster})`,
    result: `counted ${f.pageCounted} of ${f.masterSent}; line in the DOM p50 ${f.lagP50Ms} / p99 ${f.lagP99Ms} ms after the master; DOM nodes ${f.domNodesStart} -> ${f.domNodesEnd}; heap ${f.heapStartMb} -> ${f.heapEndMb} MB; ${f.longTasks} long tasks`,
    target: `>= ${f.targetPerSec}/s, all counted, p99 <= ${FEED_LAG_TARGET_MS} ms, DOM bounded`,
    met:
      f.sentPerSec >= f.targetPerSec * 0.9 &&
      f.pageCounted >= f.masterSent &&
      f.lagP99Ms <= FEED_LAG_TARGET_MS &&
      f.pageErrors.length === 0,
  };
}

/** The bench's whole result, one JSON line, as it prints when run alone. */
function full(bench: string, result: object): void {
  console.log(JSON.stringify({ bench, ...result }));
}

interface Line {
  bench: string;
  measure: string;
  result: string;
  target: string;
  /** 'reported': a row with no target (a measure for comparison); it is neither met nor missed. */
  met: boolean | 'reported';
}

const benches: Record<string, { name: string; run: () => Promise<Line[]> }> = {
  a: {
    name: 'placement',
    run: async () => {
      const r = await benchPlacement();
      full('placement', r);
      return [
        {
          bench: '(a) placement',
          measure: `${r.requests} tasks on ${r.agents} agents, one call`,
          result: `${r.placementsPerSec} placements/s (${r.placed} placed, ${r.violations} violations)`,
          target: `>= ${r.targetPerSec}/s`,
          met: r.placementsPerSec >= r.targetPerSec && r.violations === 0,
        },
        {
          bench: '(a) placement',
          measure: `same, in batches of ${r.batchSize}`,
          result: `${r.batchedPlacementsPerSec} placements/s (${r.batchedViolations} violations)`,
          target: `>= ${r.targetPerSec}/s`,
          met: r.batchedPlacementsPerSec >= r.targetPerSec && r.batchedViolations === 0,
        },
      ];
    },
  },
  b: {
    name: 'start-100',
    run: async () => {
      const r = await benchStart100();
      full('start-100', r);
      return [
        {
          bench: `(b) start ${r.instances}`,
          measure: `drover/pm2, ${r.runs} rounds (drover ${r.droverMedianMs} ms, pm2 ${r.peerMedianMs} ms)`,
          result: `median ratio ${r.medianRatio} (${r.ratioMin}..${r.ratioMax})`,
          target: `<= ${r.targetRatio}`,
          met: r.met,
        },
        {
          bench: `(b) start ${r.instances}`,
          measure: `drover/pm2 tuned (PM2_CONCURRENT_ACTIONS=${r.pm2Tuned.concurrentActions}), same rounds (pm2 ${r.pm2Tuned.peerMedianMs} ms)`,
          result: `median ratio ${r.pm2Tuned.medianRatio} (${r.pm2Tuned.ratioMin}..${r.pm2Tuned.ratioMax})`,
          target: '(reported)',
          met: 'reported',
        },
      ];
    },
  },
  c: {
    name: 'restart-after-kill',
    run: async () => {
      const r = await benchRestartAfterKill();
      full('restart-after-kill', r);
      return [
        {
          bench: '(c) kill -9 to answering',
          measure: `drover/pm2, ${r.runs} pairs (drover ${r.droverMedianMs} ms, pm2 ${r.peerMedianMs} ms)`,
          result: `median ratio ${r.medianRatio} (${r.ratioMin}..${r.ratioMax})`,
          target: `<= ${r.targetRatio}`,
          met: r.met,
        },
      ];
    },
  },
  d: {
    name: 'memory',
    run: async () => {
      const r = await benchMemory();
      full('memory', r);
      return [
        {
          bench: '(d) RSS idle',
          measure: 'drover up, 2 agents, no tasks',
          result: `${r.droverIdleMb} MB (pm2 daemon ${r.pm2DaemonIdleMb} MB)`,
          target: `<= ${r.idleTargetMb} MB`,
          met: r.idleMet,
        },
        {
          bench: '(d) RSS per task',
          measure: `(RSS with ${r.tasks} tasks - idle) / ${r.tasks}`,
          result: `${r.droverPerTaskMb} MB (pm2 daemon ${r.pm2DaemonPerTaskMb} MB)`,
          target: `<= ${r.perTaskTargetMb} MB`,
          met: r.perTaskMet,
        },
        {
          bench: '(d) RSS after delete',
          measure: `all ${r.tasks} tasks deleted, each of ${r.runs} runs`,
          result: `${r.droverAfterDeleteRunsMb.join(' / ')} MB (idle ${r.droverIdleRunsMb.join(' / ')} MB)`,
          target: '(reported)',
          met: 'reported',
        },
      ];
    },
  },
  jobs: {
    name: 'jobs-firing',
    run: async () => {
      const lines: Line[] = [];
      for (const shape of ['second', 'minute'] as const) {
        const r = await benchJobsFiring({ shape });
        full(`jobs-firing-${shape}`, r);
        lines.push({
          bench: 'jobs firing',
          measure: `${r.jobs} jobs due in one ${shape}, ${r.runs} run(s): record committed - due`,
          result: `p50 ${r.firingLatenessMs.p50} ms, p99 ${r.firingLatenessMs.p99} ms, max ${r.firingLatenessMs.max} ms; launch p99 ${r.launchLatenessMs.p99} ms, max ${r.launchLatenessMs.max} ms; ${r.missed} missed, ${r.duplicated} duplicated, ${r.failed} failed`,
          target: `p99 <= ${r.targetFiringP99Ms} ms${r.targetLaunchMaxMs !== undefined ? `, started <= ${r.targetLaunchMaxMs} ms after due` : ''}, 0 missed, 0 duplicated, 0 failed`,
          met: r.met,
        });
      }
      return lines;
    },
  },
  failover: {
    name: 'failover-load',
    run: async () => {
      const r = await benchFailoverLoad();
      full('failover-load', r);
      return [
        {
          bench: 'leader kill -9, PostgreSQL',
          measure: `${r.tasks} tasks, ${r.apps} apps, ${r.agents} agents; kill -> next accepted write, ${r.rounds.length} rounds (survivor's load ${r.rounds.map((x) => x.loadMs).join('/')} ms; in-process load ${r.inProcessLoadMs} ms in ${r.loadQueries} queries)`,
          result: `median ${r.medianWriteMs} ms, max ${r.maxWriteMs} ms`,
          target: `<= ${r.targetMs} ms`,
          met: r.maxWriteMs <= r.targetMs,
        },
      ];
    },
  },
  read: {
    name: 'read-views',
    run: async () => {
      const r = await benchReadViews();
      full('read-views', r);
      return Object.entries(r.views).map(([path, v]) => ({
        bench: 'cached read views',
        measure: `GET ${path} (${v.bytes} B), autocannon -c ${r.settings.connections}, vs plain Fastify, same bytes`,
        result: `drover ${v.droverRps} req/s, fastify ${v.peerRps} req/s: ratio ${v.ratio}`,
        target: `>= ${r.targetRatio}`,
        met: v.met,
      }));
    },
  },
  events: {
    name: 'event-latency',
    run: async () => {
      const r = await benchEventLatency();
      full('event-latency', r);
      return [
        {
          bench: 'event delivery latency',
          measure: `status update at the master to ${r.clients} SSE clients, ${r.events} events (+${r.stalledClients} stalled client)`,
          result: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms (${r.deliveries} deliveries)`,
          target: `p99 <= ${r.targetP99Ms} ms`,
          met: r.pass,
        },
      ];
    },
  },
  protocol: {
    name: 'protocol-placement',
    run: async () => {
      const r = await benchProtocolPlacement();
      full('protocol-placement', r);
      return [
        {
          bench: 'placement over the agent protocol',
          measure: `${r.tasks} tasks, ${r.agents} simulated agents on WebSocket, ${r.store} store`,
          result: `${r.placementsPerSec} placements/s; all RUNNING in ${r.allRunningMs} ms (${r.unplaced} unplaced)`,
          target: '(reported)',
          met: r.unplaced === 0 ? 'reported' : false,
        },
      ];
    },
  },
  ui: {
    name: 'ui-apps',
    run: async () => {
      const r = await benchUiApps();
      full('ui-apps', r);
      return [
        {
          bench: 'web UI apps page',
          measure: `${r.apps} apps, ${r.tasks} tasks, headless chromium, navigation to rows`,
          result: `median ${r.coldRenderMedianMs} ms (${r.coldRenderMs.join(', ')}); route change ${r.routeRenderMedianMs} ms; ${r.rowsInDom} rows in the DOM`,
          target: `< ${UI_RENDER_TARGET_MS} ms`,
          met: r.coldRenderMedianMs < UI_RENDER_TARGET_MS,
        },
        feedLine(`${r.apps} apps`, r.feed),
      ];
    },
  },
  'ui-events': {
    name: 'ui-events',
    run: async () => {
      const r = await benchUiEvents();
      full('ui-events', r);
      return [feedLine(`${r.apps} apps`, r.feed)];
    },
  },
  health: {
    name: 'health',
    run: async () => {
      const r = await benchHealth();
      full('health', r);
      const rolling = (x: typeof r.rolling) => ({
        bench: 'rolling upgrade under load',
        measure: `${x.instances} instances, 1 s HTTP checks, direct requests to routable tasks, kill drain ${x.killDrainMs} ms`,
        result: `${x.wallMs} ms; ${x.stats.failed} of ${x.stats.requests} requests failed; >= ${x.stats.minRoutable} healthy throughout`,
        target: x.killDrainMs > 0 ? `0 failed, >= ${x.instances} healthy` : 'for comparison',
        met:
          x.killDrainMs > 0
            ? x.stats.failed === 0 && x.stats.minRoutable >= x.instances
            : ('reported' as const),
      });
      const replacement = (x: typeof r.replacement) => ({
        bench: 'unhealthy to replacement answering',
        measure: `interval ${x.intervalSeconds} s x ${x.maxConsecutiveFailures} failures, backoff ${x.backoffSeconds} s, ${x.runs} runs`,
        result: `median ${x.medianMs} ms, max ${x.maxMs} ms`,
        target: `<= ${x.targetMs} ms`,
        met: x.met,
      });
      return [
        rolling(r.rolling),
        rolling(r.rollingNoDrain),
        replacement(r.replacement),
        replacement(r.replacementNoBackoff),
      ];
    },
  },
  docker: {
    name: 'docker',
    run: async () => {
      const r = await benchDocker();
      full('docker', r);
      const vs = (x: { droverMedianMs: number; peerMedianMs: number; runs: number }) =>
        `drover/swarm, ${x.runs} pairs (drover ${x.droverMedianMs} ms, swarm ${x.peerMedianMs} ms)`;
      const ratio = (x: { medianRatio: number; ratioMin: number; ratioMax: number }) =>
        `median ratio ${x.medianRatio} (${x.ratioMin}..${x.ratioMax})`;
      return [
        {
          bench: `docker start ${r.settings.instances}`,
          measure: `BRIDGE, ${vs(r.start)}`,
          result: ratio(r.start),
          target: `<= ${r.start.targetRatio}`,
          met: r.start.met,
        },
        {
          bench: `docker start ${r.settings.instances}`,
          measure: `HOST networking on both sides (Swarm --network host), ${vs(r.startHostNetwork)}`,
          result: ratio(r.startHostNetwork),
          target: `<= ${r.startHostNetwork.targetRatio}`,
          met: r.startHostNetwork.met,
        },
        {
          bench: `docker rolling ${r.settings.rolling}`,
          measure: `v1 -> v2, parallelism ${r.settings.parallelism}, grace ${r.settings.graceSeconds} s, ${vs(r.rollingUpgrade)}`,
          result: ratio(r.rollingUpgrade),
          target: `<= ${r.rollingUpgrade.targetRatio}`,
          met: r.rollingUpgrade.met,
        },
        {
          bench: 'docker kill -9 to answering',
          measure: vs(r.kill9),
          result: ratio(r.kill9),
          target: '(reported)',
          met: 'reported',
        },
      ];
    },
  },
  ha: {
    name: 'ha',
    run: async () => {
      const r = await benchHa();
      full('ha', r);
      const line = (bench: string, measure: string, x: typeof r.failover) => ({
        bench,
        measure: `${measure}, ${x.runs} runs`,
        result: `median ${x.medianMs} ms, max ${x.maxMs} ms`,
        target: `<= ${x.targetMs} ms`,
        met: x.met,
      });
      return [
        line('leader kill -9 to next write', '3 masters on PostgreSQL, lease 2 s', r.failover),
        line(
          'agent loss to answering elsewhere',
          'inactiveAfterSeconds 0, master defaults (agent timeout 10 s)',
          r.agentLossDefaults,
        ),
        line(
          'agent loss to answering elsewhere',
          `inactiveAfterSeconds 0, tuned (--agent-timeout ${r.settings.tunedAgentTimeoutMs})`,
          r.agentLossTuned,
        ),
        {
          ...line(
            'agent loss to answering elsewhere',
            'app default unreachableStrategy',
            r.agentLossAppDefaults,
          ),
          target: '(reported)',
          met: 'reported' as const,
        },
        {
          ...line(
            'agent loss to answering elsewhere',
            'inactiveAfterSeconds 0, agent cut right after a leader kill -9 (re-registration grace)',
            r.agentLossAfterFailover,
          ),
          target: '(reported)',
          met: 'reported' as const,
        },
      ];
    },
  },
};

const picked = process.argv.slice(2);
const keys = picked.length > 0 ? picked : Object.keys(benches);
const unknown = keys.filter((k) => !(k in benches));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(benches).join(' ')}`);
  process.exit(2);
}

console.log(JSON.stringify({ machine: machine() }));
const lines: Line[] = [];
let failed = false;
for (const k of keys) {
  const b = benches[k]!;
  try {
    const out = await b.run();
    lines.push(...out);
  } catch (err) {
    failed = true;
    console.error(`bench ${b.name} failed:`, err);
  }
}
console.log('');
console.log('| bench | measure | result | target | met |');
console.log('| --- | --- | --- | --- | --- |');
for (const l of lines)
  console.log(
    `| ${l.bench} | ${l.measure} | ${l.result} | ${l.target} | ${l.met === 'reported' ? 'reported' : l.met ? 'yes' : 'NO'} |`,
  );
console.log(JSON.stringify({ machineAfter: machine() }));
// PM2's client may leave a timer behind; the run is over.
process.exit(failed ? 1 : 0);
