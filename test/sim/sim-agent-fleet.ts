/**
 * Many simulated agents (sim-agent.ts), in this process or spread over child processes. At 10,000
 * agents one process is itself a bottleneck (every launch, ack and heartbeat of 10,000 links is
 * parsed on one thread), which would be measured as the master's: `processes` > 0 forks that many
 * children (this file, run under tsx), each dialling its share of the agents, and reporting its
 * counts to the parent over IPC every 100 ms. `processes` 0 keeps every agent here.
 * Every agent redials when its link drops, until `close`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type SimAgent, simAgents, simCounters } from './sim-agent.js';

export interface FleetOptions {
  url: string;
  token: string;
  agents: number;
  /** Child processes to spread the agents over; 0: all in this process. */
  processes: number;
  /** Dials in flight per process. Default 50. */
  concurrency?: number;
}

export interface FleetTotals {
  connected: number;
  launches: number;
  runningAcked: number;
  /** Launches of a task id its process had seen launched already (across processes: launchedIds). */
  duplicateLaunches: number;
}

export interface SimFleet {
  /** The counts last reported (at most 100 ms old for child processes). */
  totals(): FleetTotals;
  /** Resolves when every agent registered once; rejects if one was refused or could not dial. */
  readonly connected: Promise<void>;
  /** Every task id a launch was received for, once per launch (a repeat is a duplicate placement). */
  launchedIds(): Promise<string[]>;
  close(): Promise<void>;
}

export function simFleet(o: FleetOptions): SimFleet {
  return o.processes > 0 ? forkedFleet(o) : localFleet(o);
}

function localFleet(o: FleetOptions & { from?: number }): SimFleet {
  const c = simCounters();
  const redial = { on: true };
  let connected = 0;
  let agents: SimAgent[] = [];
  const done = simAgents(
    o.agents,
    {
      url: o.url,
      token: o.token,
      counters: c,
      redial,
      ...(o.from !== undefined ? { from: o.from } : {}),
      connected: () => connected++,
    },
    o.concurrency,
  ).then((a) => {
    agents = a;
  });
  return {
    totals: () => ({
      connected,
      launches: c.launches,
      runningAcked: c.runningAcked,
      duplicateLaunches: c.duplicateLaunches,
    }),
    connected: done,
    launchedIds: async () => [...c.launched],
    async close() {
      redial.on = false;
      await done.catch(() => undefined);
      for (const a of agents) a.close();
    },
  };
}

type ToChild =
  | { type: 'start'; url: string; token: string; from: number; count: number; concurrency: number }
  | { type: 'ids' }
  | { type: 'close' };
type ToParent =
  | ({ type: 'totals'; allConnected: boolean } & FleetTotals)
  | { type: 'failed'; error: string }
  | { type: 'ids'; ids: string[] };

function forkedFleet(o: FleetOptions): SimFleet {
  const per = Math.ceil(o.agents / o.processes);
  const children: Array<{ proc: ChildProcess; totals: FleetTotals; allConnected: boolean }> = [];
  const connected = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (children.every((c) => c.allConnected)) resolve();
    };
    for (let from = 0; from < o.agents; from += per) {
      const proc = fork(fileURLToPath(import.meta.url), ['--sim-agent-child'], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const child = {
        proc,
        totals: { connected: 0, launches: 0, runningAcked: 0, duplicateLaunches: 0 },
        allConnected: false,
      };
      children.push(child);
      proc.on('message', (m: ToParent) => {
        if (m.type === 'totals') {
          const { type: _t, allConnected, ...totals } = m;
          child.totals = totals;
          child.allConnected = allConnected;
          check();
        } else if (m.type === 'failed') reject(new Error(`simulated agents: ${m.error}`));
      });
      proc.on('exit', (code) => {
        if (!child.allConnected) reject(new Error(`simulated agent process exited (${code})`));
      });
      proc.send({
        type: 'start',
        url: o.url,
        token: o.token,
        from,
        count: Math.min(per, o.agents - from),
        concurrency: o.concurrency ?? 50,
      } satisfies ToChild);
    }
  });
  connected.catch(() => undefined);
  const ask = (proc: ChildProcess) =>
    new Promise<string[]>((resolve) => {
      const on = (m: ToParent) => {
        if (m.type !== 'ids') return;
        proc.off('message', on);
        resolve(m.ids);
      };
      proc.on('message', on);
      proc.send({ type: 'ids' } satisfies ToChild);
    });
  return {
    totals: () => {
      const t: FleetTotals = { connected: 0, launches: 0, runningAcked: 0, duplicateLaunches: 0 };
      for (const c of children) {
        t.connected += c.totals.connected;
        t.launches += c.totals.launches;
        t.runningAcked += c.totals.runningAcked;
        t.duplicateLaunches += c.totals.duplicateLaunches;
      }
      return t;
    },
    connected,
    launchedIds: async () => (await Promise.all(children.map((c) => ask(c.proc)))).flat(),
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
              const kill = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
              c.proc.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              c.proc.send({ type: 'close' } satisfies ToChild);
            }),
        ),
      );
    },
  };
}

/** A child: dials its share (agents `from` ..), reports its counts until told to close. */
function childMain(): void {
  const send = (m: ToParent) => process.send?.(m);
  process.on('message', (m: ToChild) => {
    if (m.type !== 'start') return;
    const fleet = localFleet({
      url: m.url,
      token: m.token,
      agents: m.count,
      from: m.from,
      processes: 0,
      concurrency: m.concurrency,
    });
    let allConnected = false;
    const report = () => send({ type: 'totals', allConnected, ...fleet.totals() });
    const timer = setInterval(report, 100);
    fleet.connected.then(
      () => {
        allConnected = true;
        report();
      },
      (err: unknown) => send({ type: 'failed', error: err instanceof Error ? err.message : String(err) }),
    );
    process.on('message', (n: ToChild) => {
      if (n.type === 'ids') void fleet.launchedIds().then((ids) => send({ type: 'ids', ids }));
      else if (n.type === 'close') {
        clearInterval(timer);
        // Let the close frames go out.
        void fleet.close().then(() => setTimeout(() => process.exit(0), 200));
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
}

if (
  import.meta.url === pathToFileURL(process.argv[1] ?? '').href &&
  process.argv[2] === '--sim-agent-child'
) {
  childMain();
}
