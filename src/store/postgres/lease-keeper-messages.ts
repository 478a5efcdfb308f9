/** What the lease keeper's two threads say to each other (postgres-lease-keeper.ts, lease-keeper-worker.ts). */
import type { MessagePort } from 'node:worker_threads';
import type { KeepRequest, LeaseRecord } from '../lease-port.js';

export interface KeeperWorkerData {
  url: string;
  /** The worker's end of the channel (the main thread reads its own end synchronously). */
  port: MessagePort;
  /** One BigInt64: the epoch ms at which the main thread last ran, written by it. */
  mainBeat: SharedArrayBuffer;
  /** The worker stops renewing once the main thread has not run for this long. */
  maxStallMs: number;
  timeoutMs: number;
}

export type ToKeeper = { type: 'keep'; req: KeepRequest } | { type: 'stop'; term: number };

export type FromKeeper =
  | { type: 'ready' }
  | { type: 'renewed'; term: number; renewedAt: number; lease: LeaseRecord }
  | { type: 'lost'; term: number; why: string; lease?: LeaseRecord };
