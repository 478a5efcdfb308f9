/**
 * The lease keeper's worker thread (started by postgres-lease-keeper.ts): renews the one term it
 * is told to keep, on its own connection and its own event loop, so the main thread's stalls do
 * not delay it. It never takes a lease or opens a term (PostgresLease.renew), and gives the term up
 * when a renewal is refused, when renewals fail until the deadline the main thread also counts
 * (start of the last good renewal + lease - one period), or when the main thread has not run for
 * `maxStallMs`: a leader that is hung for good must not hold the cluster's lease forever.
 */
import { workerData } from 'node:worker_threads';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import type { KeepRequest, LeaseRecord } from '../lease-port.js';
import type { FromKeeper, KeeperWorkerData, ToKeeper } from './lease-keeper-messages.js';
import { createPostgresLease } from './postgres-lease.js';

const data = workerData as KeeperWorkerData;
const port = data.port;
const mainBeat = new BigInt64Array(data.mainBeat);
const lease = createPostgresLease({
  url: data.url,
  timeoutMs: data.timeoutMs,
  applicationName: 'drover-lease-keeper',
});

interface Kept extends KeepRequest {
  timer?: ReturnType<typeof setTimeout>;
}
let kept: Kept | undefined;

const send = (m: FromKeeper) => port.postMessage(m);

function end(k: Kept | undefined): void {
  if (k?.timer) clearTimeout(k.timer);
  if (kept === k) kept = undefined;
}

function lose(k: Kept, why: string, seen?: LeaseRecord): void {
  end(k);
  send({ type: 'lost', term: k.term, why, ...(seen ? { lease: seen } : {}) });
}

function schedule(k: Kept, ms: number): void {
  k.timer = setCappedTimeout(() => void renew(k), ms);
}

async function renew(k: Kept): Promise<void> {
  if (kept !== k) return;
  const startedAt = Date.now();
  const stalled = startedAt - Number(Atomics.load(mainBeat, 0));
  if (stalled > data.maxStallMs) return lose(k, `the main thread has not run for ${stalled} ms`);
  try {
    const r = await lease.renew(k.holder, k.term, k.ttlMs);
    if (kept !== k) return;
    if (!r.held) {
      const why =
        r.lease.term === k.term
          ? `term ${k.term} ran out`
          : `lease lost to ${r.lease.holder} (term ${r.lease.term})`;
      return lose(k, why, r.lease);
    }
    k.renewedAt = startedAt;
    send({ type: 'renewed', term: k.term, renewedAt: startedAt, lease: r.lease });
  } catch {
    if (kept !== k) return;
    // The connection was dropped by postgres-lease.ts; the next attempt dials anew.
  }
  const deadline = k.renewedAt + k.ttlMs - k.periodMs;
  if (Date.now() >= deadline) return lose(k, 'could not renew the lease in time');
  schedule(k, Math.min(k.periodMs, deadline - Date.now()));
}

port.on('message', (m: ToKeeper) => {
  if (m.type === 'keep') {
    end(kept);
    kept = { ...m.req };
    schedule(kept, kept.renewedAt + kept.periodMs - Date.now());
  } else if (kept?.term === m.term) {
    end(kept);
  }
});
send({ type: 'ready' });
