/**
 * Bench (issue 10): does the overview's live event feed keep up with 200 events/s?
 *
 * A real `drover master` (SQLite) with simulated agents on the real agent protocol
 * (test/sim/sim-agent.ts) holding BENCH_UI_EVENT_APPS apps x BENCH_UI_EVENT_INSTANCES tasks.
 * The load: the agents flip their tasks between TASK_RUNNING and TASK_STARTING, each flip a stored
 * status update that the master turns into a status_update_event and an instance_changed_event,
 * paced to BENCH_UI_RATE events/s (catching up when a timer fires late). The rate the master
 * really sent is what counts: a separate SSE client in this process counts every event on
 * /v2/events. Meanwhile the overview page (feed, cluster summary, connection state) is open in
 * Debian's headless chromium, and the page measures itself:
 *   - every feed line that enters the DOM (a MutationObserver), and how long after the master
 *     stamped the event it got there (the event's `timestamp` vs Date.now(), one machine's clock);
 *   - the page's own count of events received ("N events since this page opened");
 *   - main-thread long tasks (PerformanceObserver 'longtask': > 50 ms), the longest gap between
 *     animation frames, the main thread's busy share (CDP Performance.TaskDuration);
 *   - JS heap, DOM nodes and event listeners (CDP Memory.getDOMCounters) after a forced GC at the
 *     start and the end, and their maximum over 1 s samples while the stream runs.
 * "Keeps up": the page counted every event the master sent, every event it rendered reached the
 * DOM within ~1 s, and DOM nodes, listeners and heap stay bounded.
 *
 *   npm run build && node --import tsx bench/ui-events.bench.ts    # or: bench/run.ts ui-events
 * Tuning: BENCH_UI_RATE (200 events/s), BENCH_UI_SECONDS (30), BENCH_UI_EVENT_APPS (50),
 * BENCH_UI_EVENT_INSTANCES (4), BENCH_UI_EVENT_AGENTS (10).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import { DroverClient } from '../src/client/index.js';
import { agentEndpointUrl } from '../src/domain/agent-endpoint.js';
import { ClusterProcess } from '../test/e2e/support/cluster-process.js';
import { repoRoot } from '../test/e2e/support/drover-bin.js';
import { http } from '../test/e2e/support/http-json.js';
import { type SimAgent, simAgents, simCounters, until } from '../test/sim/sim-agent.js';

const RATE = Number(process.env['BENCH_UI_RATE'] ?? 200);
const SECONDS = Number(process.env['BENCH_UI_SECONDS'] ?? 30);
const APPS = Number(process.env['BENCH_UI_EVENT_APPS'] ?? 50);
const INSTANCES = Number(process.env['BENCH_UI_EVENT_INSTANCES'] ?? 4);
const AGENTS = Number(process.env['BENCH_UI_EVENT_AGENTS'] ?? 10);
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
/** A feed line should be on screen within this long after the master stamped its event. */
export const FEED_LAG_TARGET_MS = 1000;

export interface FeedResult {
  targetPerSec: number;
  seconds: number;
  /** Events/s the master sent on /v2/events (a separate client counted them). */
  sentPerSec: number;
  masterSent: number;
  /** Events the page counted ("N events since this page opened") against those the master sent. */
  pageCounted: number;
  /** Feed lines that entered the DOM (the feed keeps the newest lines; one 150 ms batch may hold more). */
  linesRendered: number;
  /** Master's timestamp to the line in the DOM, ms, over every rendered line. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Share of rendered lines that reached the DOM within FEED_LAG_TARGET_MS. */
  withinTarget: number;
  heapStartMb: number;
  heapEndMb: number;
  heapMaxMb: number;
  /** DOM nodes (CDP Memory.getDOMCounters, after a forced GC at start and end; max of the samples). */
  domNodesStart: number;
  domNodesEnd: number;
  domNodesMax: number;
  /** Elements in the document itself at the end (what the page renders, no detached nodes). */
  elementsEnd: number;
  listenersStart: number;
  listenersEnd: number;
  longTasks: number;
  longTaskMaxMs: number;
  longTaskTotalMs: number;
  mainThreadBusy: number;
  longestFrameGapMs: number;
  /** GET /v2/apps the page made per second (its cluster summary re-reads after app events). */
  appsRereadsPerSec: number;
  /** Console errors and failed requests of the page while it ran (a broken stream shows here). */
  pageErrors: string[];
}

export interface UiEventsResult {
  apps: number;
  tasks: number;
  agents: number;
  feed: FeedResult;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** In the page: counts feed lines as they enter the DOM and how late they are, in fixed memory. */
const PAGE_PROBE = `(() => {
  const p = { lines: 0, lagBuckets: new Array(601).fill(0), lagMax: 0, longTasks: 0, longMax: 0, longTotal: 0, maxGap: 0 };
  window.__feedProbe = p;
  const seen = (li) => {
    const t = li.querySelector('time');
    if (!t) return;
    const lag = Math.max(0, Date.now() - Date.parse(t.dateTime));
    p.lines += 1;
    p.lagMax = Math.max(p.lagMax, lag);
    p.lagBuckets[Math.min(600, Math.floor(lag / 10))] += 1;
  };
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches('li[data-event-id]')) seen(n);
        else for (const li of n.querySelectorAll('li[data-event-id]')) seen(li);
      }
  }).observe(document.querySelector('main'), { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { p.longTasks += 1; p.longTotal += e.duration; p.longMax = Math.max(p.longMax, e.duration); }
  }).observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (t) => { p.maxGap = Math.max(p.maxGap, t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();`;

interface Probe {
  lines: number;
  lagBuckets: number[];
  lagMax: number;
  longTasks: number;
  longMax: number;
  longTotal: number;
  maxGap: number;
}

/** The lag below which `share` of the lines fall, from 10 ms buckets (the last bucket is >= 6 s). */
function bucketQuantile(buckets: number[], share: number): number {
  const total = buckets.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < buckets.length; i++) {
    acc += buckets[i] ?? 0;
    if (acc >= total * share) return (i + 1) * 10;
  }
  return buckets.length * 10;
}

async function domCounters(cdp: CDPSession, gc: boolean) {
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const d = await cdp.send('Memory.getDOMCounters');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
  return { nodes: d.nodes, listeners: d.jsEventListeners, heap };
}

/**
 * The overview page open while `flip` makes events at `rate`/s for `seconds`. `flip` is called as
 * often as the elapsed time asks for (each call is expected to make two events).
 */
export async function benchFeed(
  api: string,
  agents: SimAgent[],
  newPage: () => Promise<Page>,
  rate = RATE,
  seconds = SECONDS,
): Promise<FeedResult> {
  // The master's own count, from a client of its own.
  let masterCount = 0;
  let lastEventAt = 0;
  const client = new DroverClient({ url: api });
  const stream = client.events({
    onEvent: () => {
      masterCount += 1;
      lastEventAt = performance.now();
    },
  });
  const page = await newPage();
  let appsReads = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v2/apps') appsReads += 1;
  });
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('requestfailed', (r) => pageErrors.push(`${r.url()}: ${r.failure()?.errorText}`));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${api}/ui/`);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
  await until(() => stream.state === 'open', 'the counting client to connect', 30_000);
  await page.addScriptTag({ content: PAGE_PROBE });
  const busy = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0;
  // "1,234 events since this page opened · ..."
  const pageSeen = async () =>
    Number(
      (((await page.getByTestId('events-seen').textContent()) ?? '').split(' ')[0] ?? '0').replace(/,/g, ''),
    );

  // Tasks to flip, spread over the agents; each flip is two events.
  const flippable = agents.flatMap((a) => [...a.tasks.keys()].map((t) => ({ a, t, running: true })));
  if (flippable.length === 0) throw new Error('no tasks to flip');
  const start = await domCounters(cdp, true);
  const busyStart = await busy();
  const seenAtStart = await pageSeen();
  const sentAtStart = masterCount;
  await page.evaluate(() => {
    const p = (window as unknown as { __feedProbe: Probe }).__feedProbe;
    p.lines = 0;
    p.lagBuckets.fill(0);
    p.lagMax = 0;
    p.longTasks = 0;
    p.longMax = 0;
    p.longTotal = 0;
    p.maxGap = 0;
  });
  appsReads = 0;
  const t0 = performance.now();
  let flips = 0;
  let next = 0;
  let max = { ...start };
  let sampledAt = t0;
  while (performance.now() - t0 < seconds * 1000) {
    // As many flips as the elapsed time asks for, so timer drift on a busy machine does not lower the rate.
    const due = Math.floor(((performance.now() - t0) / 1000) * (rate / 2));
    for (; flips < due; flips++) {
      const f = flippable[next++ % flippable.length]!;
      f.running = !f.running;
      f.a.report(f.t, f.running ? 'TASK_RUNNING' : 'TASK_STARTING', f.running ? undefined : `flip ${flips}`);
    }
    if (performance.now() - sampledAt >= 1000) {
      sampledAt = performance.now();
      const s = await domCounters(cdp, false);
      max = {
        nodes: Math.max(max.nodes, s.nodes),
        listeners: Math.max(max.listeners, s.listeners),
        heap: Math.max(max.heap, s.heap),
      };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsedS = (performance.now() - t0) / 1000;
  // The master may still be working through the flips sent: wait until its stream goes quiet,
  // then for the page's last batch.
  let quietSince = masterCount;
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    if (masterCount === quietSince) break;
    quietSince = masterCount;
  }
  const drainedS = (performance.now() - t0) / 1000;
  await page.waitForTimeout(1000);
  const busyEnd = await busy();
  const masterSent = masterCount - sentAtStart;
  const pageCounted = (await pageSeen()) - seenAtStart;
  const probe = await page.evaluate(() => (window as unknown as { __feedProbe: Probe }).__feedProbe);
  const elementsEnd = await page.evaluate(() => document.getElementsByTagName('*').length);
  const end = await domCounters(cdp, true);
  stream.close();
  await page.close();
  // Closing the page aborts its stream: not an error of the run.
  const errors = pageErrors.filter((e) => !e.endsWith('net::ERR_ABORTED'));
  const within = probe.lagBuckets.slice(0, FEED_LAG_TARGET_MS / 10).reduce((a, b) => a + b, 0);
  return {
    targetPerSec: rate,
    seconds: round(elapsedS, 1),
    // Over the time the master took to send them all (longer than the load when it fell behind).
    sentPerSec: round(masterSent / Math.max(elapsedS, (lastEventAt - t0) / 1000)),
    masterSent,
    pageCounted,
    linesRendered: probe.lines,
    lagP50Ms: bucketQuantile(probe.lagBuckets, 0.5),
    lagP99Ms: bucketQuantile(probe.lagBuckets, 0.99),
    lagMaxMs: round(probe.lagMax),
    withinTarget: probe.lines > 0 ? round(within / probe.lines, 3) : 0,
    heapStartMb: round(start.heap, 1),
    heapEndMb: round(end.heap, 1),
    heapMaxMb: round(max.heap, 1),
    domNodesStart: start.nodes,
    domNodesEnd: end.nodes,
    domNodesMax: max.nodes,
    elementsEnd,
    listenersStart: start.listeners,
    listenersEnd: end.listeners,
    longTasks: probe.longTasks,
    longTaskMaxMs: round(probe.longMax),
    longTaskTotalMs: round(probe.longTotal),
    mainThreadBusy: round((busyEnd - busyStart) / (drainedS + 1), 2),
    longestFrameGapMs: round(probe.maxGap),
    appsRereadsPerSec: round(appsReads / drainedS, 1),
    pageErrors: errors.slice(0, 20),
  };
}

/** The UI benches' cluster: a real `drover master` (SQLite, temp dir) and headless chromium. */
export async function uiBenchCluster(prefix: string) {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: scripts/provision.sh installs chromium`);
  if (!existsSync(join(repoRoot, 'dist', 'ui', 'index.html'))) throw new Error('run `npm run build` first');
  const loadavgBefore = loadavg().map((l) => round(l, 2));
  const token = `bench-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { proc: master, url: api } = await ClusterProcess.quietMaster(join(dir, 'state.db'), token);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    token,
    master,
    api,
    browser,
    /** The machine's load averages before the bench and now (benches on a shared machine say them). */
    loads: () => ({ loadavgBefore, loadavgAfter: loadavg().map((l) => round(l, 2)) }),
    async close(agents: SimAgent[]): Promise<void> {
      await browser.close().catch(() => undefined);
      for (const a of agents) a.close();
      await master.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function benchUiEvents(): Promise<UiEventsResult> {
  const cluster = await uiBenchCluster('drover-bench-ui-events-');
  const { token, api, browser } = cluster;
  let agents: SimAgent[] = [];
  try {
    const total = APPS * INSTANCES;
    const c = simCounters(total);
    agents = await simAgents(AGENTS, {
      url: agentEndpointUrl(api)!,
      token,
      counters: c,
    });
    const apps = Array.from({ length: APPS }, (_, i) => ({
      id: `/bench/app-${String(i).padStart(3, '0')}`,
      cmd: 'sleep 3600',
      instances: INSTANCES,
      cpus: 0.01,
      mem: 8,
      portDefinitions: [],
    }));
    const put = await http(`${api}/v2/apps`, { method: 'PUT', body: apps, timeoutMs: 120_000 });
    if (put.status >= 300) throw new Error(`PUT /v2/apps: ${put.status} ${put.text.slice(0, 400)}`);
    await until(() => c.runningAcked >= total, `${total} tasks running`, 300_000);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const feed = await benchFeed(api, agents, context.newPage.bind(context));
    await context.close();
    return {
      apps: APPS,
      tasks: total,
      agents: AGENTS,
      feed,
      ...cluster.loads(),
    };
  } finally {
    await cluster.close(agents);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'ui-events', ...(await benchUiEvents()) }));
}
