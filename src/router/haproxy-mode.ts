/**
 * The haproxy mode (`drover router --haproxy FILE --reload-cmd CMD`): HAProxy instead of the
 * embedded router, fed from the same routing table. `HaproxyWriter.apply` turns a table into a
 * config (routing/haproxy-config.ts) and makes it live in three steps, each of which must pass
 * before the next:
 *
 *   1. write it beside the live file (`FILE.drover-new`) and check it with `haproxy -c -f`;
 *      a config HAProxy rejects is removed and the live one stays as it was;
 *   2. rename it over FILE (atomic: HAProxy never reads half a file);
 *   3. run the reload command (`/bin/sh -c CMD`), e.g. `systemctl reload haproxy` (Debian's
 *      master-worker unit: the old workers finish their connections) or
 *      `haproxy -D -f FILE -p PID -x SOCK -sf $(cat PID)` (the listening sockets pass to the new
 *      process over the stats socket, so no connection waiting to be accepted is dropped).
 *
 * `followRoutes` long-polls the master (`GET /v2/routes?after=V&router=NAME`) and applies each
 * new version; asking for what comes after V tells the master V is live, so its kills wait for
 * this HAProxy too (control-plane/agents/route-push.ts). A table that fails a step is not
 * acknowledged; it is tried again with growing pauses.
 */
import { execFile } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { RoutesClient } from '../client/routes.js';
import type { RouteTable } from '../domain/agent-protocol.js';
import { DroverError } from '../domain/errors.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { type HaproxyOptions, haproxyConfig } from '../routing/haproxy-config.js';

export interface HaproxyWriterOptions extends HaproxyOptions {
  configPath: string;
  /** Run after a new config is in place; undefined: the config is only written. */
  reloadCmd?: string;
  /** Default `haproxy`. */
  haproxyBin?: string;
  logger: Logger;
}

/** What apply did: `unchanged` when the config that is live already says the same. */
export type ApplyOutcome = 'unchanged' | 'reloaded' | 'written';

export class HaproxyWriter {
  /** The text HAProxy runs with (written and reloaded); undefined until the first apply. */
  private live: string | undefined;

  constructor(private readonly opts: HaproxyWriterOptions) {}

  /** Throws DroverError (with HAProxy's words) when the config is refused or the reload fails. */
  async apply(table: RouteTable): Promise<ApplyOutcome> {
    const text = haproxyConfig(table, this.opts);
    if (text === this.live) return 'unchanged';
    const target = this.opts.configPath;
    const next = `${target}.drover-new`;
    await writeFile(next, text, { mode: 0o644 });
    const check = await run(this.opts.haproxyBin ?? 'haproxy', ['-c', '-f', next]);
    if (check.code !== 0) {
      await rm(next, { force: true });
      throw new DroverError(
        'UNAVAILABLE',
        `haproxy -c refused the generated config (the live one is unchanged): ${check.output}`,
      );
    }
    await rename(next, target);
    if (this.opts.reloadCmd === undefined) {
      this.live = text;
      return 'written';
    }
    const reload = await run('/bin/sh', ['-c', this.opts.reloadCmd]);
    if (reload.code !== 0) {
      throw new DroverError(
        'UNAVAILABLE',
        `the reload command failed (exit ${reload.code}); the new config is in place but may not be live: ${reload.output}`,
      );
    }
    this.live = text;
    return 'reloaded';
  }

  /** The config file as it is on disk (tests, diagnostics). */
  current(): Promise<string> {
    return readFile(this.opts.configPath, 'utf8');
  }
}

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stderr}${stdout}`.trim().split('\n').slice(0, 20).join('\n');
      if (!err) return resolve({ code: 0, output });
      const code = typeof err.code === 'number' ? err.code : 127;
      resolve({ code, output: output || err.message });
    });
  });
}

export interface FollowOptions {
  /** Tells the master who acknowledges (`router=` of the long poll). */
  name: string;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  /** Long poll length; default 25 s. */
  waitMs?: number;
  /** First pause after a failure, doubled up to 30 s; default 1 s. */
  retryMs?: number;
  /** Called after each table that went live (tests, the CLI's first "ready" line). */
  onApplied?: (version: number, outcome: ApplyOutcome) => void;
}

/** Follows the master's routing table until `signal` aborts. */
export async function followRoutes(
  routes: RoutesClient,
  writer: Pick<HaproxyWriter, 'apply'>,
  opts: FollowOptions,
): Promise<void> {
  let applied: number | undefined;
  let pause = opts.retryMs ?? 1_000;
  while (!opts.signal.aborted) {
    try {
      const view = await routes.table({
        ...(applied !== undefined ? { after: applied, router: opts.name } : {}),
        waitMs: opts.waitMs ?? 25_000,
        signal: opts.signal,
      });
      if (view.version === applied) continue;
      const outcome = await writer.apply(view);
      applied = view.version;
      pause = opts.retryMs ?? 1_000;
      if (outcome !== 'unchanged')
        opts.logger.info(
          { version: view.version, routes: view.routes.length, outcome },
          'haproxy config live',
        );
      opts.onApplied?.(view.version, outcome);
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.logger.error({ err: (err as Error).message, retryInMs: pause }, 'routing table not applied');
      await sleep(opts.clock, pause, opts.signal);
      pause = Math.min(pause * 2, 30_000);
    }
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, done);
    function done() {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
