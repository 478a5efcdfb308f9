/**
 * Waiting for many http-echo endpoints to answer, the same way for Drover and its peers: each
 * round probes, in parallel, only the endpoints that have not answered yet (a fresh connection
 * each, 1 s timeout), then waits 10 ms.
 */
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type EchoAnswer, echo } from '../../test/e2e/support/http-json.js';

export interface Endpoint {
  host: string;
  port: number;
  /** The answer must satisfy this (e.g. carry the expected task id or message). */
  accept?: (a: EchoAnswer & { message?: string }) => boolean;
}

export async function probe(e: Endpoint): Promise<boolean> {
  try {
    const a = await echo(e.host, e.port, 1_000);
    return e.accept ? e.accept(a) : true;
  } catch {
    return false;
  }
}

/** Resolves when every endpoint has answered once; throws after `timeoutMs`. */
export async function waitAllAnswering(endpoints: Endpoint[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = endpoints;
  while (pending.length > 0) {
    const ok = await Promise.all(pending.map(probe));
    pending = pending.filter((_, i) => !ok[i]);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${pending.length} of ${endpoints.length} endpoints not answering after ${timeoutMs} ms`,
      );
    }
    await delay(10);
  }
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Throws if anything already listens on one of the ports (a stale peer would fake the result). */
export async function assertPortsFree(host: string, ports: number[]): Promise<void> {
  const busy = (await Promise.all(ports.map((port) => listening(host, port)))).filter(Boolean).length;
  if (busy > 0) throw new Error(`${busy} of the ports ${ports[0]}..${ports.at(-1)} on ${host} are in use`);
}

/** Waits until nothing listens on the ports any more (after a peer stopped its processes). */
export async function waitPortsFree(host: string, ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = (await Promise.all(ports.map((port) => listening(host, port)))).filter(Boolean).length;
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`${busy} ports still in use after ${timeoutMs} ms`);
    await delay(20);
  }
}
