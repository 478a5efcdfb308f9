/**
 * Events for a browser test to render, made cheaply by the master itself: each /v2/events client
 * that attaches and detaches is an event_stream_attached and an event_stream_detached on every
 * stream. Also the page's own measures of what it holds: feed lines, elements, and (after a forced
 * garbage collection) the DOM nodes and event listeners chromium counts, detached ones included.
 */
import { get } from 'node:http';
import type { Page } from 'playwright-core';

/**
 * Opens and closes `clients` event streams one after another: 2 x `clients` events. Each on a
 * connection of its own that is closed with it (fetch's pool would keep one alive, which holds
 * up a master's shutdown until its keep-alive timeout).
 */
export async function streamChurn(baseUrl: string, clients: number): Promise<void> {
  for (let i = 0; i < clients; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = get(
        `${baseUrl}/v2/events`,
        { headers: { accept: 'text/event-stream' }, agent: false },
        (res) => {
          res.destroy();
          if (res.statusCode === 200) resolve();
          else reject(new Error(`GET /v2/events: ${res.statusCode}`));
        },
      );
      req.on('error', reject);
    });
  }
}

/** "1,234 events since this page opened · stream live" on the overview. */
export async function eventsSeen(page: Page): Promise<number> {
  const text = (await page.getByTestId('events-seen').textContent()) ?? '';
  return Number((text.split(' ')[0] ?? '').replace(/,/g, ''));
}

export interface PageWeight {
  feedLines: number;
  elements: number;
  nodes: number;
  listeners: number;
}

export async function pageWeight(page: Page): Promise<PageWeight> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const c = await cdp.send('Memory.getDOMCounters');
    const { feedLines, elements } = await page.evaluate(() => ({
      feedLines: document.querySelectorAll('ul.feed li').length,
      elements: document.getElementsByTagName('*').length,
    }));
    return { feedLines, elements, nodes: c.nodes, listeners: c.jsEventListeners };
  } finally {
    await cdp.detach();
  }
}
