/** Load with a new connection per request: what a proxy's per-connection cost shows under. */
import { getOnce } from '../../test/e2e/support/router-load.js';

/**
 * `workers` loops of GET / on a fresh connection each (worker i on urls[i % n]), 1 s timeout, for
 * `seconds`: how many answered 200.
 */
export async function freshConnections(urls: URL[], seconds: number, workers: number): Promise<number> {
  let answered = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      const url = urls[i % urls.length]!;
      while (Date.now() < end) if ((await getOnce(url.hostname, Number(url.port))).ok) answered++;
    }),
  );
  return answered;
}
