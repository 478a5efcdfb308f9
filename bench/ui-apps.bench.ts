/**
 * Bench (issue 10): the web UI with a cluster's worth of objects, in Debian's headless chromium
 * against a real `drover master`.
 *
 *   1. Apps page: 1,000 apps (20 groups) with 5,000 tasks in the store, the tasks held by 50
 *      simulated agents (test/sim/sim-agent.ts: real WebSocket links, nothing runs). Time from
 *      navigation start to the table showing its first rows and "1,000 apps" (measured in the page:
 *      performance.now() when the condition first holds, polled every animation frame), a fresh
 *      page each run; the same for a client-side route change (Overview -> Apps); and the rows in
 *      the DOM (a virtualised table draws only what is in view).
 *   2. Event feed at 200 events/s over the same 1,000 apps (the overview's cluster summary re-reads
 *      /v2/apps, 800 KB, as app events come): ui-events.bench.ts's benchFeed, which measures the
 *      page (lines in the DOM and how late, events counted, long tasks, heap, DOM nodes) against
 *      a separate client's count of what the master sent. ui-events.bench.ts alone runs it on a
 *      small cluster, where the master's own cost per event is lowest.
 *
 *   npm run build && node --import tsx bench/ui-apps.bench.ts        # or: bench/run.ts ui
 * Tuning: BENCH_UI_APPS (1000), BENCH_UI_INSTANCES (5 per app), BENCH_UI_AGENTS (50),
 * BENCH_UI_RUNS (5 page loads), BENCH_UI_RATE (200 events/s), BENCH_UI_SECONDS (30).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { agentEndpointUrl } from '../src/domain/agent-endpoint.js';
import { http } from '../test/e2e/support/http-json.js';
import { type SimAgent, simAgents, simCounters, until } from '../test/sim/sim-agent.js';
import { median } from './support/stats.js';
import { benchFeed, type FeedResult, uiBenchCluster } from './ui-events.bench.js';

const APPS = Number(process.env['BENCH_UI_APPS'] ?? 1_000);
const INSTANCES = Number(process.env['BENCH_UI_INSTANCES'] ?? 5);
const AGENTS = Number(process.env['BENCH_UI_AGENTS'] ?? 50);
const RUNS = Number(process.env['BENCH_UI_RUNS'] ?? 5);
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
  const cluster = await uiBenchCluster('drover-bench-ui-');
  const { token, api, browser } = cluster;
  let agents: SimAgent[] = [];
  try {
    const total = APPS * INSTANCES;
    const c = simCounters(total);
    agents = await simAgents(AGENTS, {
      url: agentEndpointUrl(api)!,
      token,
      counters: c,
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
      ...cluster.loads(),
    };
  } finally {
    await cluster.close(agents);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'ui-apps', ...(await benchUiApps()) }));
}
