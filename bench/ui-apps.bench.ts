/**
 * Bench (issue 10): the web UI with a cluster's worth of objects, in Debian's headless chromium
 * against a real `drover master`.
 *
 *   1. Apps page: 1,000 apps (20 groups) with 5,000 tasks in the store, the tasks held by 50
 *      simulated agents (bench/support/sim-agent.ts: real WebSocket links, nothing runs). Time from
 *      navigation start to the table showing its first rows and "1,000 apps" (measured in the page:
 *      performance.now() when the condition first holds, polled every animation frame), a fresh
 *      page each run; the same for a client-side route change (Overview -> Apps); and the rows in
 *      the DOM (a virtualised table draws only what is in view).
 *   2. Event feed at 200 events/s: the agents flip tasks between TASK_RUNNING and TASK_STARTING
 *      (each flip is a status_update_event and an instance_changed_event) while the overview page
 *      (feed, cluster summary over the same 1,000 apps) is open. Sampled every second: how far the
 *      page's newest event is behind the master's (ids), the events the page counted against those
 *      the master sent, JS heap after a forced GC at start and end, DOM nodes, main-thread busy
 *      share (CDP Performance.TaskDuration), the longest gap between animation frames, and the
 *      re-reads of /v2/apps the events caused.
 *
 *   npm run build && node --import tsx bench/ui-apps.bench.ts        # or: bench/run.ts ui
 * Tuning: BENCH_UI_APPS (1000), BENCH_UI_INSTANCES (5 per app), BENCH_UI_AGENTS (50),
 * BENCH_UI_RUNS (5 page loads), BENCH_UI_RATE (200 events/s), BENCH_UI_SECONDS (60).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { DroverClient } from '../src/client/index.js';
import { agentEndpointUrl } from '../src/domain/agent-endpoint.js';
import { ClusterProcess } from '../test/e2e/support/cluster-process.js';
import { repoRoot } from '../test/e2e/support/drover-bin.js';
import { http } from '../test/e2e/support/http-json.js';
import { type SimAgent, simAgents, simCounters, until } from './support/sim-agent.js';
import { median } from './support/stats.js';

const APPS = Number(process.env['BENCH_UI_APPS'] ?? 1_000);
const INSTANCES = Number(process.env['BENCH_UI_INSTANCES'] ?? 5);
const AGENTS = Number(process.env['BENCH_UI_AGENTS'] ?? 50);
const RUNS = Number(process.env['BENCH_UI_RUNS'] ?? 5);
const RATE = Number(process.env['BENCH_UI_RATE'] ?? 200);
const SECONDS = Number(process.env['BENCH_UI_SECONDS'] ?? 60);
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = `bench-${randomUUID()}`;
export const UI_RENDER_TARGET_MS = 1000;

export interface UiAppsResult {
  apps: number;
  tasks: number;
  appsJsonBytes: number;
  /** Fresh page: navigation start to first rows and the count shown, ms (each run). */
  coldRenderMs: number[];
  coldRenderMedianMs: number;
  /** Overview -> Apps by the nav link, ms (each run). */
  routeRenderMs: number[];
  routeRenderMedianMs: number;
  /** App rows in the DOM with 1,000 apps (the virtual table's window). */
  rowsInDom: number;
  feed: FeedResult;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

export interface FeedResult {
  targetPerSec: number;
  seconds: number;
  /** Events/s the master sent on /v2/events (a node client counted them). */
  sentPerSec: number;
  /** Events the page counted against those the master sent while it was open. */
  pageCounted: number;
  masterSent: number;
  /** Ids the page's newest feed line was behind the master's newest, per 1 s sample. */
  lagP50: number;
  lagMax: number;
  /** JS heap after a forced GC, MB. */
  heapStartMb: number;
  heapEndMb: number;
  heapMaxMb: number;
  domNodesStart: number;
  domNodesEnd: number;
  /** Share of wall time the page's main thread was busy. */
  mainThreadBusy: number;
  longestFrameGapMs: number;
  appsRereadsPerSec: number;
}

const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** Navigation start to the apps table showing rows and the full count (in-page clock). */
async function timeAppsRender(page: Page, expectCount: string): Promise<number> {
  const handle = await page.waitForFunction(
    (want) => {
      const count = document.querySelector('[data-testid="app-count"]')?.textContent;
      return count === want && document.querySelector('[data-app-id]') !== null ? performance.now() : 0;
    },
    expectCount,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

export async function benchUiApps(): Promise<UiAppsResult> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: scripts/provision.sh installs chromium`);
  if (!existsSync(join(repoRoot, 'dist', 'ui', 'index.html'))) throw new Error('run `npm run build` first');
  const loadavgBefore = loadavg().map((l) => round(l, 2));
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-ui-'));
  const { proc: master, url: api } = await ClusterProcess.master([
    '--store',
    join(dir, 'state.db'),
    '--port',
    '0',
    '--agent-token',
    TOKEN,
    '--log-level',
    'warn',
  ]);
  let agents: SimAgent[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const total = APPS * INSTANCES;
    const c = simCounters();
    agents = await simAgents(AGENTS, {
      url: agentEndpointUrl(api)!,
      token: TOKEN,
      counters: c,
      expectedRunning: total,
      resources: { cpus: 10_000, mem: 10_000_000, disk: 10_000_000, ports: [[31_000, 32_000]] },
    });
    const apps = Array.from({ length: APPS }, (_, i) => ({
      id: `/bench/g${String(i % 20).padStart(2, '0')}/app-${String(i).padStart(4, '0')}`,
      cmd: 'sleep 3600',
      instances: INSTANCES,
      cpus: 0.01,
      mem: 8,
      portDefinitions: [],
      labels: { tier: i % 3 === 0 ? 'web' : 'worker' },
    }));
    const put = await http(`${api}/v2/apps`, { method: 'PUT', body: apps, timeoutMs: 600_000 });
    if (put.status >= 300) throw new Error(`PUT /v2/apps: ${put.status} ${put.text.slice(0, 400)}`);
    await until(() => c.runningAcked >= total, `${total} tasks running`, 900_000);
    const appsJson = await http(`${api}/v2/apps`, { timeoutMs: 60_000 });
    const appsJsonBytes = Buffer.byteLength(appsJson.text);
    const listed = (appsJson.json as { apps: unknown[] }).apps.length;
    if (listed !== APPS) throw new Error(`/v2/apps lists ${listed} apps, want ${APPS}`);
    const want = `${APPS.toLocaleString('en')} apps`;

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const coldRenderMs: number[] = [];
    const routeRenderMs: number[] = [];
    let rowsInDom = 0;
    for (let r = 0; r < RUNS; r++) {
      const page = await context.newPage();
      await page.goto(`${api}/ui/apps`);
      coldRenderMs.push(round(await timeAppsRender(page, want)));
      rowsInDom = await page.locator('[data-app-id]').count();
      // The same table reached from another page of the app (no page load).
      await page.getByRole('link', { name: 'Overview', exact: true }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.waitForTimeout(500);
      const t0 = await page.evaluate(() => performance.now());
      await page.getByRole('link', { name: 'Apps', exact: true }).click();
      routeRenderMs.push(round((await timeAppsRender(page, want)) - t0));
      await page.close();
    }

    const feed = await benchFeed(api, agents, context.newPage.bind(context));
    await context.close();
    return {
      apps: APPS,
      tasks: total,
      appsJsonBytes,
      coldRenderMs,
      coldRenderMedianMs: round(median(coldRenderMs)),
      routeRenderMs,
      routeRenderMedianMs: round(median(routeRenderMs)),
      rowsInDom,
      feed,
      loadavgBefore,
      loadavgAfter: loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await browser.close().catch(() => undefined);
    for (const a of agents) a.link.close();
    await master.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The overview page open while the agents make RATE events/s for SECONDS. */
async function benchFeed(api: string, agents: SimAgent[], newPage: () => Promise<Page>): Promise<FeedResult> {
  // The master's own count and newest id, from a client of its own.
  let masterLastId = 0;
  let masterCount = 0;
  const client = new DroverClient({ url: api });
  const stream = client.events({
    onEvent: (e) => {
      masterLastId = Number(e.id ?? masterLastId);
      masterCount += 1;
    },
  });
  const page = await newPage();
  let appsReads = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v2/apps') appsReads += 1;
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${api}/ui/`);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
  await page.addScriptTag({
    content: `(() => { let last = performance.now(); window.__maxGap = 0;
      const tick = (t) => { window.__maxGap = Math.max(window.__maxGap, t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick); })();`,
  });
  const heap = async (gc: boolean) => {
    if (gc) await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
  };
  const metrics = async () => {
    const m = (await cdp.send('Performance.getMetrics')).metrics;
    const get = (n: string) => m.find((x) => x.name === n)?.value ?? 0;
    return { nodes: get('Nodes'), task: get('TaskDuration') };
  };
  // "1,234 events since this page opened · ..."
  const pageSeen = async () =>
    Number(
      (((await page.getByTestId('events-seen').textContent()) ?? '').split(' ')[0] ?? '0').replace(/,/g, ''),
    );
  const pageNewest = () =>
    page.evaluate(() => Number(document.querySelector('ul.feed li')?.getAttribute('data-event-id') ?? 0));

  // Tasks to flip, spread over the agents; each flip is two events.
  const flippable = agents.flatMap((a) => [...a.tasks.keys()].map((t) => ({ a, t, running: true })));
  const heapStartMb = await heap(true);
  const start = await metrics();
  const seenAtStart = await pageSeen();
  const sentAtStart = masterCount;
  await page.evaluate(() => {
    (window as unknown as { __maxGap: number }).__maxGap = 0;
  });
  appsReads = 0;
  const t0 = performance.now();
  let flips = 0;
  let next = 0;
  const lags: number[] = [];
  let heapMaxMb = heapStartMb;
  let sampledAt = t0;
  while (performance.now() - t0 < SECONDS * 1000) {
    // As many flips as the elapsed time asks for, so timer drift on a busy machine does not lower the rate.
    const due = Math.floor(((performance.now() - t0) / 1000) * (RATE / 2));
    for (; flips < due; flips++) {
      const f = flippable[next++ % flippable.length]!;
      f.running = !f.running;
      f.a.report(f.t, f.running ? 'TASK_RUNNING' : 'TASK_STARTING', f.running ? undefined : `flip ${flips}`);
    }
    if (performance.now() - sampledAt >= 1000) {
      sampledAt = performance.now();
      lags.push(Math.max(0, masterLastId - (await pageNewest())));
      heapMaxMb = Math.max(heapMaxMb, await heap(false));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsedS = (performance.now() - t0) / 1000;
  // Let the last events arrive, then compare counts.
  await new Promise((r) => setTimeout(r, 2000));
  const end = await metrics();
  const masterSent = masterCount - sentAtStart;
  const pageCounted = (await pageSeen()) - seenAtStart;
  const longestFrameGapMs = await page.evaluate(() => (window as unknown as { __maxGap: number }).__maxGap);
  const heapEndMb = await heap(true);
  stream.close();
  await page.close();
  const sorted = [...lags].sort((a, b) => a - b);
  return {
    targetPerSec: RATE,
    seconds: round(elapsedS, 1),
    sentPerSec: round(masterSent / elapsedS),
    pageCounted,
    masterSent,
    lagP50: sorted[Math.floor(sorted.length / 2)] ?? 0,
    lagMax: sorted.at(-1) ?? 0,
    heapStartMb: round(heapStartMb, 1),
    heapEndMb: round(heapEndMb, 1),
    heapMaxMb: round(heapMaxMb, 1),
    domNodesStart: start.nodes,
    domNodesEnd: end.nodes,
    mainThreadBusy: round((end.task - start.task) / (elapsedS + 2), 2),
    longestFrameGapMs: round(longestFrameGapMs),
    appsRereadsPerSec: round(appsReads / elapsedS, 1),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'ui-apps', ...(await benchUiApps()) }));
}
