/**
 * A simulation for job tests: a real Master (with its JobRuntime) and real Agents with fake
 * executors over in-memory links, a memory store that survives `restart()`, and a fake clock.
 * Unlike harness.ts it takes master options (reconcile interval, job tick), so a test can move
 * the clock by days without millions of timer callbacks, and it can run with no agents at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent.js';
import { FakeExecutor, type FakeTask } from '../../src/agent/executors/fake-executor.js';
import type { MasterDeps } from '../../src/control-plane/context.js';
import { Master } from '../../src/control-plane/master.js';
import type { JobRun } from '../../src/domain/job.js';
import { type JobKind, parseJob } from '../../src/domain/job-validate.js';
import { seededRandom, sequentialIds } from '../../src/platform/ids.js';
import { silentLogger } from '../../src/platform/logger.js';
import { createMemoryLinkPair } from '../../src/platform/memory-link.js';
import { FakeClock } from '../../src/platform/testing/fake-clock.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/port.js';

export interface JobSimOptions {
  agents?: Array<{ hostname: string; attributes?: Record<string, string>; cpus?: number }>;
  start?: number;
  master?: Partial<MasterDeps>;
}

export class JobSim {
  readonly clock: FakeClock;
  readonly store: Store;
  master!: Master;
  agents: Agent[] = [];
  executors: FakeExecutor[] = [];
  private readonly workRoot = mkdtempSync(join(tmpdir(), 'drover-jobsim-'));
  private readonly ids = sequentialIds();

  private constructor(private readonly opts: JobSimOptions) {
    this.clock = new FakeClock(opts.start);
    this.store = createMemoryStore();
  }

  static async create(opts: JobSimOptions = {}): Promise<JobSim> {
    const sim = new JobSim(opts);
    await sim.boot();
    return sim;
  }

  private async boot(): Promise<void> {
    const logger = silentLogger();
    this.master = await Master.create({
      store: this.store,
      clock: this.clock,
      ids: this.ids,
      random: seededRandom(7),
      logger,
      http: { host: '127.0.0.1', port: 8080 },
      ...this.opts.master,
    });
    const specs = this.opts.agents ?? [{ hostname: 'agent-a' }];
    if (this.executors.length === 0) {
      // Executors (the "processes") outlive a master restart, as tasks do on real agents.
      this.executors = specs.map(() => new FakeExecutor(this.clock));
      this.agents = specs.map(
        (s, i) =>
          new Agent({
            hostname: s.hostname,
            address: s.hostname,
            resources: {
              cpus: s.cpus ?? 4,
              mem: 4096,
              disk: 100_000,
              ports: [[31000 + i * 1000, 31999 + i * 1000]],
            },
            attributes: s.attributes ?? {},
            workDir: join(this.workRoot, s.hostname),
            executors: { process: this.executors[i]! },
            clock: this.clock,
            ids: this.ids,
            logger,
            heartbeatIntervalMs: 3_600_000,
            agentId: `agent-${s.hostname}`,
          }),
      );
    }
    for (const agent of this.agents) {
      const { agentEnd, masterEnd } = createMemoryLinkPair();
      this.master.connectAgent(masterEnd);
      agent.connect(agentEnd);
    }
    // Registration takes the agents' real I/O (their work dirs): wait for it before the loops
    // start, so the first job pass finds them (a queued run waits for the next tick otherwise).
    await this.settle(() => this.agents.every((a) => a.isRegistered), 'every agent registered');
    this.master.start();
    await this.clock.advance(0);
  }

  /** Stop the master (agents keep their tasks) and start a new one on the same store. */
  async restart(downMs = 0): Promise<void> {
    await this.master.stop();
    this.clock.jump(downMs);
    await this.boot();
  }

  async put(kind: JobKind, json: Record<string, unknown>): Promise<void> {
    await this.master.jobs.putJob(parseJob(json, kind));
  }

  runs(job: string): Promise<JobRun[]> {
    return this.master.jobs.listRuns(job, {}).then((r) => r.reverse());
  }

  /** Live fake tasks of a job's runs. */
  tasksOf(job: string): FakeTask[] {
    return this.executors.flatMap((e) => e.running()).filter((t) => t.spec.appId === `/chronos/${job}`);
  }

  exit(task: FakeTask, exitCode = 0): void {
    this.executors
      .find((e) => e.tasks.get(task.spec.taskId) === task)!
      .exit(task.spec.taskId, { exitCode, signal: null });
  }

  /** Advance fake time in steps until `pred` holds. */
  async until(
    pred: () => boolean | Promise<boolean>,
    o: { stepMs?: number; maxMs?: number; what?: string } = {},
  ) {
    const step = o.stepMs ?? 100;
    const max = o.maxMs ?? 120_000;
    for (let waited = 0; ; waited += step) {
      await new Promise((r) => setTimeout(r, 0));
      if (await pred()) return;
      if (waited >= max)
        throw new Error(`jobsim: ${o.what ?? 'condition'} not reached within ${max} ms of fake time`);
      await this.clock.advance(step);
    }
  }

  /**
   * Waits in real time, the fake clock standing still (timers due now still fire), until `pred`
   * holds: for what takes real I/O but no fake time (a launch's sandbox, an exit's update). Moving
   * fake time meanwhile would make how late things happen depend on how loaded the machine is.
   */
  async settle(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.clock.advance(0);
      if (await pred()) return;
      if (Date.now() > deadline)
        throw new Error(`jobsim: ${what} not reached within ${timeoutMs} ms (real time)`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async stop(): Promise<void> {
    await this.master.stop();
    await Promise.all(this.agents.map((a) => a.stop({ killTasks: false })));
    rmSync(this.workRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  }
}
