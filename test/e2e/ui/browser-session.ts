/**
 * A real browser on the UI of a real `drover up`: Debian's chromium driven by playwright-core
 * (never a downloaded browser). Collects console errors and uncaught page errors so a test can
 * assert there were none, writes each page's screenshot at desktop (1280x800) and phone (390 px)
 * width under test-artifacts/ui/, and checks that the phone layout has no horizontal overflow.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type AfterHook, repoRoot } from '../support/drover-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(repoRoot, 'test-artifacts', 'ui');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The master the browser talks to: a `DroverProcess`. */
export interface UiServer {
  url: string;
  beforeCleanup(fn: () => Promise<void>): void;
  /** What the master printed; its warnings go into a failed assertNoErrors' message. */
  output?(): string;
}

export class UiSession {
  /** Console errors and page errors seen so far, on every page of this session. */
  readonly errors: string[] = [];
  /** `Failed to load resource ... status of N` errors the test caused on purpose (a 422 it provokes). */
  private readonly expectedStatuses = new Set<number>();
  /** `net::ERR_...` codes the test caused on purpose (a master it stopped refuses connections). */
  private readonly expectedNetErrors = new Set<string>();

  private constructor(
    private readonly browser: Browser,
    private readonly desktop: BrowserContext,
    private readonly phone: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
    private readonly prefix: string,
    private readonly server: UiServer,
  ) {}

  /**
   * `name` prefixes this session's screenshots. The browser closes before `server` is cleaned up
   * (its cleanup runs first when registered first): killing the master under an open page cuts
   * the page's event stream, a network error in its console.
   */
  static async open(t: AfterHook, server: UiServer, name: string): Promise<UiSession> {
    const baseUrl = server.url;
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: scripts/provision.sh installs chromium`);
    if (!existsSync(join(repoRoot, 'dist', 'ui', 'index.html')))
      throw new Error('dist/ui is missing: run `npm run build` before the UI tests');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const desktop = await browser.newContext({ viewport: DESKTOP });
    const phone = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await desktop.newPage();
    const s = new UiSession(browser, desktop, phone, page, baseUrl, name, server);
    s.watch(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    // What the page showed last, which is where a failed wait stopped; then the browser closes.
    let closed: Promise<void> | undefined;
    const teardown = () => {
      closed ??= (async () => {
        await page
          .screenshot({ path: join(ARTIFACTS, `${name}-last-page.png`), fullPage: true })
          .catch(() => {});
        await browser.close();
      })();
      return closed;
    };
    server.beforeCleanup(teardown);
    t.after(teardown);
    return s;
  }

  private watch(page: Page): void {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const status = /status of (\d{3})/.exec(m.text());
      if (status && this.expectedStatuses.has(Number(status[1]))) return;
      const net = /net::(ERR_[A-Z_]+)/.exec(m.text());
      if (net && this.expectedNetErrors.has(net[1] ?? '')) return;
      this.errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.errors.push(`${page.url()}: uncaught ${e.message}`));
  }

  /** The browser logs a 4xx answer to fetch as a console error; a test provoking one says so. */
  expectStatus(status: number): void {
    this.expectedStatuses.add(status);
  }

  /** The browser logs a failed connection as a console error; a test that stops the master says so. */
  expectNetError(code: string): void {
    this.expectedNetErrors.add(code);
  }

  /**
   * Signs the phone pages in as the desktop page is: the UI keeps credentials in the tab's session
   * storage, which a new page does not share. `credentials` is the UI's stored form.
   */
  async phoneCredentials(credentials: unknown): Promise<void> {
    await this.phone.addInitScript((c) => {
      sessionStorage.setItem('drover.credentials', c);
    }, JSON.stringify(credentials));
  }

  url(path: string): string {
    return `${this.baseUrl}/ui${path}`;
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(this.url(path));
    await this.page.locator('main h1').first().waitFor({ timeout: 30_000 });
  }

  /**
   * Screenshots the current desktop page, then the same URL on a phone, where it also checks that
   * nothing is wider than the screen. `ready` is waited for on the phone page before the shot.
   */
  async shoot(name: string, ready?: (p: Page) => Promise<unknown>): Promise<void> {
    await this.page.screenshot({
      path: join(ARTIFACTS, `${this.prefix}-${name}-desktop.png`),
      fullPage: true,
    });
    const phone = await this.phone.newPage();
    this.watch(phone);
    try {
      await phone.goto(this.page.url());
      await phone.locator('main h1').first().waitFor({ timeout: 30_000 });
      if (ready) await ready(phone);
      // Fonts and the first data render; not a timing assertion.
      await phone.waitForTimeout(300);
      await phone.screenshot({ path: join(ARTIFACTS, `${this.prefix}-${name}-phone.png`), fullPage: true });
      const overflow = await phone.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
        wide: Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${(e as HTMLElement).className}`),
      }));
      assert.ok(
        overflow.scroll <= overflow.width,
        `${name}: ${overflow.scroll}px wide on a ${overflow.width}px phone (${overflow.wide.join(', ')})`,
      );
    } finally {
      await phone.close();
    }
  }

  assertNoErrors(): void {
    // An unexpected error status is often the master's doing (a 503 while it reloads state): its
    // warnings and leadership lines say why, so a one-off failure in CI can be read afterwards.
    const why = (this.server.output?.() ?? '')
      .split('\n')
      .filter((l) => /"level":(40|50|60)|\b(WARN|ERROR|FATAL)\b|leading|abdicat|deposed|step/i.test(l))
      .slice(-30)
      .join('\n');
    assert.deepEqual(this.errors, [], `console or page errors${why ? `; the master logged:\n${why}` : ''}`);
  }

  async close(): Promise<void> {
    await this.desktop.close();
    await this.phone.close();
    await this.browser.close();
  }
}
