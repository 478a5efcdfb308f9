/**
 * Decoding a large list (a new leader loading 100,000 tasks) in slices, giving the event loop a
 * turn between slices. Decoded in one piece, the JSON of every row blocks the process for as long
 * as it takes: on a busy machine longer than the leader lease's renewal margin, so the master lost
 * its lease while loading, was elected again, reloaded, and never led (bench/failover-load.bench.ts).
 */
import { decodeJson } from '../json-value.js';
import { byId } from '../version-order.js';

/** Rows decoded between two turns of the event loop. */
const SLICE_ROWS = 2_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The rows' JSON decoded, ordered by id (version-order.ts), yielding every SLICE_ROWS rows. */
export async function decodeSlicedById<T>(rows: ReadonlyArray<{ id: string; json: unknown }>): Promise<T[]> {
  const decoded = new Array<{ id: string; value: T }>(rows.length);
  for (let start = 0; start < rows.length; start += SLICE_ROWS) {
    if (start > 0) await nextTurn();
    const end = Math.min(rows.length, start + SLICE_ROWS);
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      decoded[i] = { id: row.id, value: decodeJson<T>(row.json) };
    }
  }
  if (rows.length > SLICE_ROWS) await nextTurn();
  return byId(decoded);
}
