/**
 * Renews a leader's PostgreSQL lease off the main thread (the LeaseKeeper of ../lease-port.ts).
 * One worker thread per master process (lease-keeper-worker.ts) with its own connection renews
 * the term the election hands it. The main thread learns of renewals through a MessageChannel that
 * it can also read synchronously (`receiveMessageOnPort`): after a stalled turn the timers run
 * before the channel's messages are delivered, and the election's deadline timer must see the
 * renewals made during the stall. The main thread writes its own heartbeat into shared memory, so
 * the worker stops renewing for a main thread that hangs for good.
 *
 *   main: LeaseElection ──keep(term)──► worker: renew every period (one UPDATE, same holder+term)
 *         deadline timer ◄─renewed/lost── (sync read)
 *         beat every 200 ms ──SharedArrayBuffer──► stalled > maxStallMs: stop renewing, lost
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { setCappedInterval } from '../../platform/capped-timer.js';
import type { KeepRequest, KeptLease, KeptState, LeaseKeeper } from '../lease-port.js';
import type { FromKeeper, KeeperWorkerData, ToKeeper } from './lease-keeper-messages.js';

export interface PostgresLeaseKeeperOptions {
  url: string;
  /** A renewal statement (or connect) taking longer fails. Default 3000. */
  timeoutMs?: number;
  /** Stop renewing once the main thread has not run for this long. Default 15000. */
  maxStallMs?: number;
}

export interface PostgresLeaseKeeper extends LeaseKeeper {
  /** Resolves once the worker runs (start it before the first term, so its start is not in one). */
  ready(): Promise<void>;
}

const BEAT_MS = 200;

interface Entry {
  term: number;
  state: KeptState;
  onLost: (state: KeptState & { kind: 'lost' }) => void;
}

/** The worker's entry beside this file: `.js` in dist, `.ts` under tsx (tests, benches). */
function startWorker(data: Omit<KeeperWorkerData, 'port'>, port: MessagePort): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./lease-keeper-worker${ext}`, import.meta.url);
  const workerData = { ...data, port };
  if (ext !== '.ts') return new Worker(entry, { workerData, transferList: [port] });
  // Node 20 does not apply a worker's `--import` before its entry: register tsx, then import it.
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData, transferList: [port] });
}

export function createPostgresLeaseKeeper(opts: PostgresLeaseKeeperOptions): PostgresLeaseKeeper {
  const mainBeat = new BigInt64Array(new SharedArrayBuffer(8));
  const beat = () => Atomics.store(mainBeat, 0, BigInt(Date.now()));
  beat();
  const beatTimer = setCappedInterval(beat, BEAT_MS);
  beatTimer.unref();

  let worker: Worker | undefined;
  let port: MessagePort | undefined;
  let current: Entry | undefined;
  let closed = false;
  let markReady: () => void = () => undefined;
  let ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const lost = (entry: Entry, why: string, lease?: KeptState['lease']) => {
    if (entry.state.kind === 'lost') return;
    const state = { kind: 'lost' as const, why, ...(lease ? { lease } : {}) };
    entry.state = state;
    if (current === entry) current = undefined;
    // Never from inside state(): the election reads state() in its own decisions.
    setImmediate(() => entry.onLost(state));
  };

  const handle = (m: FromKeeper) => {
    if (m.type === 'ready') return markReady();
    const entry = current;
    if (entry === undefined || entry.term !== m.term || entry.state.kind !== 'held') return;
    if (m.type === 'renewed') {
      entry.state = { kind: 'held', renewedAt: Math.max(entry.state.renewedAt, m.renewedAt), lease: m.lease };
    } else {
      lost(entry, m.why, m.lease);
    }
  };

  const drain = () => {
    for (
      let m = port && receiveMessageOnPort(port);
      m !== undefined;
      m = port && receiveMessageOnPort(port)
    ) {
      handle(m.message as FromKeeper);
    }
  };

  const ensureWorker = (): { worker: Worker; port: MessagePort } => {
    if (worker && port) return { worker, port };
    const channel = new MessageChannel();
    const mine = channel.port1;
    mine.on('message', handle);
    mine.unref();
    const started = startWorker(
      {
        url: opts.url,
        mainBeat: mainBeat.buffer as SharedArrayBuffer,
        maxStallMs: opts.maxStallMs ?? 15_000,
        timeoutMs: opts.timeoutMs ?? 3_000,
      },
      channel.port2,
    );
    started.unref();
    const gone = (why: string) => {
      if (worker !== started) return;
      worker = undefined;
      port = undefined;
      mine.close();
      if (current) lost(current, `the lease keeper stopped: ${why}`);
    };
    started.on('error', (err) => gone(err.message));
    started.on('exit', (code) => gone(`exit ${code}`));
    worker = started;
    port = mine;
    return { worker, port };
  };

  return {
    ready() {
      if (closed) return Promise.reject(new Error('the lease keeper is closed'));
      ensureWorker();
      return ready;
    },

    keep(req: KeepRequest, onLost): KeptLease {
      const entry: Entry = { term: req.term, state: { kind: 'held', renewedAt: req.renewedAt }, onLost };
      if (current) lost(current, `term ${req.term} kept instead`);
      if (closed) {
        lost(entry, 'the lease keeper is closed');
      } else {
        current = entry;
        const channel = ensureWorker().port;
        channel.postMessage({ type: 'keep', req } satisfies ToKeeper);
      }
      return {
        state() {
          beat();
          if (current === entry) drain();
          return entry.state;
        },
        stop() {
          if (current !== entry) return;
          current = undefined;
          entry.state = { kind: 'lost', why: 'stopped' };
          port?.postMessage({ type: 'stop', term: entry.term } satisfies ToKeeper);
        },
      };
    },

    async close() {
      closed = true;
      clearInterval(beatTimer);
      current = undefined;
      const w = worker;
      worker = undefined;
      port?.close();
      port = undefined;
      ready = Promise.reject(new Error('the lease keeper is closed'));
      ready.catch(() => undefined);
      await w?.terminate();
    },
  };
}
