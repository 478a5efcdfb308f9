/**
 * A load loop over an app's tasks, hitting each task's port directly, as a router that follows the
 * task list would: every `refreshMs` it reads `/v2/apps/{id}/tasks` and routes to the tasks that
 * are TASK_RUNNING with every health check alive; meanwhile it sends rounds of GET / to each of
 * them (a fresh connection each) and counts what failed. Used by the rolling-upgrade e2e test and
 * the health bench. A request fails when it errors, times out, is not 200, or is answered by
 * another task than the one it was sent to.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type ApiClient, echo } from './http-json.js';

export interface LoopTask {
  id: string;
  host: string;
  ports: number[];
  state: string;
  version: string;
  healthCheckResults?: Array<{ alive: boolean }>;
}

export interface LoadStats {
  requests: number;
  failed: number;
  /** Failure messages with their counts. */
  causes: Record<string, number>;
  rounds: number;
  /** Fewest tasks answering in one round (over rounds that started with a task list). */
  minAnsweringInRound: number;
  /** Fewest routable (running, healthy) tasks in one task list read. */
  minRoutable: number;
  listReads: number;
}

/** Running with every health check alive: what a router sends requests to. */
export function routable(t: LoopTask): boolean {
  const results = t.healthCheckResults ?? [];
  return t.state === 'TASK_RUNNING' && results.length > 0 && results.every((r) => r.alive);
}

export class LoadLoop {
  private running = true;
  private targets: LoopTask[] = [];
  private readonly stats: LoadStats = {
    requests: 0,
    failed: 0,
    causes: {},
    rounds: 0,
    minAnsweringInRound: Number.POSITIVE_INFINITY,
    minRoutable: Number.POSITIVE_INFINITY,
    listReads: 0,
  };
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly api: ApiClient,
    private readonly appId: string,
    private readonly opts: { refreshMs: number; requestTimeoutMs: number },
  ) {}

  /** Starts once the first task list has been read. */
  static async start(
    api: ApiClient,
    appId: string,
    opts: { refreshMs?: number; requestTimeoutMs?: number } = {},
  ): Promise<LoadLoop> {
    const loop = new LoadLoop(api, appId, {
      refreshMs: opts.refreshMs ?? 100,
      requestTimeoutMs: opts.requestTimeoutMs ?? 1_000,
    });
    await loop.refresh();
    loop.loops = [loop.refreshLoop(), loop.hitLoop()];
    return loop;
  }

  /** The tasks of the last list read (all states). */
  lastTasks: LoopTask[] = [];

  async stop(): Promise<LoadStats> {
    this.running = false;
    await Promise.all(this.loops);
    return { ...this.stats, causes: { ...this.stats.causes } };
  }

  private async refresh(): Promise<void> {
    const { tasks } = await this.api.get<{ tasks: LoopTask[] }>(`/v2/apps${this.appId}/tasks`);
    this.lastTasks = tasks;
    this.targets = tasks.filter(routable);
    this.stats.listReads++;
    this.stats.minRoutable = Math.min(this.stats.minRoutable, this.targets.length);
  }

  private async refreshLoop(): Promise<void> {
    while (this.running) {
      await delay(this.opts.refreshMs);
      // A failed read (the API busy) keeps the last list, as a router would.
      await this.refresh().catch(() => undefined);
    }
  }

  private async hitLoop(): Promise<void> {
    while (this.running) {
      const round = this.targets;
      const answers = await Promise.all(round.map((t) => this.hit(t)));
      this.stats.rounds++;
      if (round.length > 0) {
        this.stats.minAnsweringInRound = Math.min(
          this.stats.minAnsweringInRound,
          answers.filter(Boolean).length,
        );
      }
      await delay(5);
    }
  }

  private async hit(t: LoopTask): Promise<boolean> {
    this.stats.requests++;
    try {
      const a = await echo(t.host, t.ports[0]!, this.opts.requestTimeoutMs);
      if (a.task !== t.id) throw new Error('answered by another task');
      return true;
    } catch (err) {
      this.stats.failed++;
      const cause = (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'HOST:PORT');
      this.stats.causes[cause] = (this.stats.causes[cause] ?? 0) + 1;
      return false;
    }
  }
}
