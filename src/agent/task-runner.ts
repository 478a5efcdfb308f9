/**
 * Supervises the tasks of one agent: takes launch and kill requests, drives each task through
 * its Mesos states, and reports every state change through `emit`. It knows nothing about links,
 * acks or the master: the Agent turns these changes into acknowledged status updates.
 *
 *   launch ─► TASK_STARTING ─► (sandbox, executor.launch) ─► TASK_RUNNING ─► exit ─► FINISHED/FAILED
 *                    │                                            │  └ checks (health/TaskChecks)
 *                    └── kill ─► TASK_KILLING ─► drain ─► SIGTERM … SIGKILL ┴─► exit ─► TASK_KILLED
 *
 * A kill from the master leaves the task in TASK_KILLING, still serving, for the drain it asks
 * (at most maxKillDrainMs) before SIGTERM, then SIGKILL after the grace (kill-drain.ts). A health check that fails
 * maxConsecutiveFailures times kills the task at once (it serves nobody anyway), and both its
 * updates say so with UNHEALTHY_KILL_REASON.
 *
 * A task's record stays until the Agent calls `forget` (its terminal update was acked), so a
 * repeated kill for it is answered from the record instead of with "unknown task".
 *
 * Every launch is checkpointed in the sandbox (checkpoint.ts) before the executor starts anything,
 * again with the executor's handle once it runs, and marked ended when it ends, so a restarted
 * agent can `adopt` what still runs and clean up what it cannot.
 */
import type { RunningTaskReport, TaskSpec } from '../domain/agent-protocol.js';
import { UNHEALTHY_KILL_REASON } from '../domain/agent-protocol.js';
import { isTerminal, type TaskState } from '../domain/task.js';
import type { TaskCheckpoint } from './checkpoint.js';
import { executorFor } from './executor-choice.js';
import type { RunningTask, TaskExit } from './executors/executor.js';
import { REASON, terminalStatus } from './exit-status.js';
import { TaskChecks } from './health/task-checks.js';
import { startDrain } from './kill-drain.js';
import { isSafeTaskId } from './sandbox.js';
import { removeSecretFiles, secretVolumePaths, writeSecretFiles } from './secret-files.js';
import { newEntry, type TaskChange, type TaskEntry, type TaskRunnerOptions } from './task-entry.js';
import { fetchForTask } from './task-fetch.js';

export type { AgentExecutors, TaskChange, TaskRunnerOptions } from './task-entry.js';

export class TaskRunner {
  private readonly tasks = new Map<string, TaskEntry>();
  /** Set by detachAll: tasks still launching are let go as soon as they start. */
  private detaching = false;
  private refusing: string | undefined;

  constructor(private readonly opts: TaskRunnerOptions) {}

  /** Tasks not yet in a terminal state, for `register`. */
  active(): RunningTaskReport[] {
    const out: RunningTaskReport[] = [];
    for (const e of this.tasks.values()) {
      if (!isTerminal(e.state)) out.push({ taskId: e.spec.taskId, appId: e.spec.appId, state: e.state });
    }
    return out;
  }

  has(taskId: string): boolean {
    return this.tasks.has(taskId);
  }

  stateOf(taskId: string): TaskState | undefined {
    return this.tasks.get(taskId)?.state;
  }

  /** Drops a terminal task's record (its terminal update was acked). */
  forget(taskId: string): void {
    const e = this.tasks.get(taskId);
    if (e && isTerminal(e.state)) this.tasks.delete(taskId);
  }

  /** From now on, launches are answered with TASK_DROPPED (agent shutting down). */
  refuseLaunches(message: string): void {
    this.refusing = message;
  }

  async launch(spec: TaskSpec): Promise<void> {
    const { taskId, appId } = spec;
    const log = this.opts.logger;
    if (this.tasks.has(taskId)) {
      // A master re-sending a launch it is unsure about must not start a second copy.
      log.warn({ taskId }, 'launch for a task this agent already has: ignored');
      return;
    }
    if (this.refusing !== undefined) {
      this.opts.emit({ taskId, appId, state: 'TASK_DROPPED', message: this.refusing });
      return;
    }
    if (!isSafeTaskId(taskId)) {
      this.opts.emit({
        taskId,
        appId,
        state: 'TASK_ERROR',
        reason: REASON.taskInvalid,
        message: `Invalid task id: only letters, digits, '_', '.', '-' are allowed`,
      });
      return;
    }
    const entry = newEntry(spec);
    this.tasks.set(taskId, entry);
    this.change(entry, 'TASK_STARTING');

    const executor = executorFor(this.opts.executors, spec);
    if (!executor) {
      this.finish(entry, 'TASK_FAILED', {
        reason: REASON.containerLaunchFailed,
        message: `This agent cannot run ${spec.container?.type} containers`,
      });
      return;
    }
    let running: RunningTask;
    let sandbox: string;
    try {
      sandbox = await this.opts.sandboxes.create(taskId);
      if (entry.kill) {
        this.finish(entry, 'TASK_KILLED', {
          reason: REASON.killedDuringLaunch,
          message: 'Killed before the task was started',
        });
        return;
      }
      if (spec.fetch.length > 0) {
        const fetched = await fetchForTask(entry, sandbox, {
          fetcher: this.opts.fetcher,
          logger: this.opts.logger,
          change: (state, extra) => this.change(entry, state, extra),
          finish: (state, extra) => this.finish(entry, state, extra),
        });
        if (!fetched) return;
      }
      // Before anything starts: an agent that dies during the launch finds this on restart and
      // makes sure no half-launched task is left running. Useless for an executor that cannot
      // re-attach (the fake one), so not written for it.
      if (executor.reattach) {
        // Secret values stay in memory only: a re-adopted task is already running with them.
        const { secretEnv: _secret, secretFiles: _files, ...kept } = spec;
        await this.checkpoint(entry, { format: 1, taskId, appId, executor: executor.kind, spec: kept });
      }
      const secretFiles = spec.secretFiles ? await writeSecretFiles(sandbox, spec.secretFiles) : [];
      running = await executor.launch(spec, {
        sandbox,
        ...(secretFiles.length > 0 ? { secretFiles } : {}),
        // MESOS_SANDBOX last: only the agent knows it, and a task must not be able to move it.
        env: { ...spec.env, ...spec.secretEnv, MESOS_SANDBOX: sandbox },
        logs: this.opts.sandboxes.logsOf(taskId),
        // Still starting: same state, new message (Mesos sends pull progress the same way).
        progress: (message) => {
          if (entry.state === 'TASK_STARTING' && !entry.kill)
            this.change(entry, 'TASK_STARTING', { message });
        },
      });
    } catch (err) {
      const message = `Failed to launch task: ${(err as Error).message}`;
      log.warn({ taskId, err }, 'task launch failed');
      if (entry.kill) this.finish(entry, 'TASK_KILLED', { reason: REASON.killedDuringLaunch, message });
      else this.finish(entry, 'TASK_FAILED', { reason: REASON.commandExecutorFailed, message });
      return;
    }
    entry.running = running;
    if (running.handle !== undefined && entry.checkpoint) {
      try {
        await this.checkpoint(entry, { ...entry.checkpoint, handle: running.handle });
      } catch (err) {
        // Left running, it would outlive a restart of this agent unsupervised: stop it instead.
        log.error({ taskId, err }, 'cannot checkpoint a started task: killing it');
        await running.kill(0).catch(() => undefined);
        const message = `Failed to launch task: cannot checkpoint it: ${(err as Error).message}`;
        if (entry.kill) this.finish(entry, 'TASK_KILLED', { message });
        else this.finish(entry, 'TASK_FAILED', { reason: REASON.commandExecutorFailed, message });
        return;
      }
    }
    log.info({ taskId, appId, pid: running.pid }, 'task started');
    void running.exited.then((exit) => this.onExit(entry, exit));
    if (this.detaching) {
      entry.detached = true;
      running.detach();
      return;
    }
    // A kill that arrived while launching wins: no TASK_RUNNING after TASK_KILLING.
    if (entry.kill) void this.terminate(entry);
    else {
      this.change(entry, 'TASK_RUNNING');
      this.startChecks(entry, running, sandbox);
    }
  }

  /**
   * Supervises a task found still running after an agent restart, as if this runner had launched
   * it: it is TASK_RUNNING (reported through `active()`, no update of its own), and kills and its
   * exit work as for any task.
   */
  adopt(checkpoint: TaskCheckpoint, running: RunningTask): void {
    const { taskId, appId } = checkpoint.spec;
    if (this.tasks.has(taskId)) {
      this.opts.logger.warn({ taskId }, 'adopt of a task this agent already has: ignored');
      return;
    }
    const entry = newEntry(checkpoint.spec);
    entry.state = 'TASK_RUNNING';
    entry.running = running;
    entry.checkpoint = checkpoint;
    this.tasks.set(taskId, entry);
    this.opts.logger.info({ taskId, appId, pid: running.pid }, 'task re-adopted');
    void running.exited.then((exit) => this.onExit(entry, exit));
    if (this.detaching) {
      entry.detached = true;
      running.detach();
      return;
    }
    // Checked from scratch: the grace period counts from now, as for a task just started.
    this.startChecks(entry, running, this.opts.sandboxes.pathOf(taskId));
  }

  /**
   * Kill with a grace period. Unknown tasks get TASK_LOST (Mesos: the agent has no such task), so
   * the master can stop waiting for them; a task already ended gets nothing new (its terminal
   * update is still pending acknowledgement and will be re-sent).
   * Returns whether the agent knows the task.
   */
  kill(taskId: string, gracePeriodMs: number, drainMs = 0): boolean {
    const entry = this.tasks.get(taskId);
    if (!entry) {
      this.opts.emit({
        taskId,
        appId: '',
        state: 'TASK_LOST',
        reason: REASON.taskUnknown,
        message: 'Unknown task',
      });
      return false;
    }
    if (isTerminal(entry.state)) return true;
    const grace =
      Number.isFinite(gracePeriodMs) && gracePeriodMs >= 0 ? gracePeriodMs : entry.spec.killGracePeriodMs;
    if (entry.kill) {
      // A repeated kill never lengthens a kill (Mesos); one asking for no grace (the master's
      // re-sent kill) ends a drain that is still going.
      if (entry.drain && grace === 0) {
        entry.kill.gracePeriodMs = 0;
        this.endDrain(entry);
      }
      return true;
    }
    entry.kill = { gracePeriodMs: grace, drainMs };
    entry.checks?.stop();
    this.change(entry, 'TASK_KILLING');
    if (entry.running) this.drainThenTerminate(entry);
    return true;
  }

  /**
   * Kills every active task with its own grace period, without a drain (the agent is going away:
   * nobody should route to its tasks any more); resolves when all have ended.
   */
  async killAll(): Promise<void> {
    const entries = [...this.tasks.values()];
    for (const e of entries) {
      if (isTerminal(e.state)) continue;
      this.kill(e.spec.taskId, e.spec.killGracePeriodMs);
      if (e.drain) this.endDrain(e);
    }
    await Promise.all(entries.map((e) => e.done));
  }

  /** Lets every task keep running without supervision (agent exits, tasks stay for re-adoption). */
  detachAll(): void {
    this.detaching = true;
    for (const e of this.tasks.values()) {
      if (!e.running) continue;
      e.checks?.stop();
      e.drain?.();
      e.drain = undefined;
      e.detached = true;
      e.running.detach();
    }
  }

  private startChecks(entry: TaskEntry, running: RunningTask, sandbox: string): void {
    const { spec } = entry;
    if (spec.healthChecks.length === 0 && spec.readinessChecks.length === 0) return;
    entry.checks = new TaskChecks({
      spec,
      host: this.opts.host,
      sandbox,
      env: { ...spec.env, ...spec.secretEnv, MESOS_SANDBOX: sandbox },
      running,
      clock: this.opts.clock,
      prober: this.opts.prober,
      logger: this.opts.logger,
      onChange: () => {
        if (!entry.kill && !isTerminal(entry.state)) this.change(entry, entry.state);
      },
      onUnhealthy: (cause, failures) => this.killUnhealthy(entry, cause, failures),
    });
    entry.checks.start();
  }

  /** Marathon kills a task that failed too many health checks; here its own agent does. */
  private killUnhealthy(entry: TaskEntry, cause: string, failures: number): void {
    if (entry.kill || isTerminal(entry.state)) return;
    const message = `Failed ${failures} consecutive health checks: ${cause}`;
    entry.kill = { gracePeriodMs: entry.spec.killGracePeriodMs, unhealthy: message };
    this.change(entry, 'TASK_KILLING', { reason: UNHEALTHY_KILL_REASON, message });
    // No drain: an unhealthy task is not worth routing to.
    if (entry.running) void this.terminate(entry);
  }

  private drainThenTerminate(entry: TaskEntry): void {
    // A kill asking for no grace (forced) is not drained either.
    const asked = entry.kill?.gracePeriodMs === 0 ? 0 : (entry.kill?.drainMs ?? 0);
    entry.drain = startDrain(this.opts.clock, asked, this.opts.maxKillDrainMs, () => {
      entry.drain = undefined;
      void this.terminate(entry);
    });
  }

  private endDrain(entry: TaskEntry): void {
    entry.drain?.();
    entry.drain = undefined;
    void this.terminate(entry);
  }

  private async terminate(entry: TaskEntry): Promise<void> {
    try {
      await entry.running?.kill(entry.kill?.gracePeriodMs ?? entry.spec.killGracePeriodMs);
    } catch (err) {
      this.opts.logger.error({ taskId: entry.spec.taskId, err }, 'kill failed');
    }
  }

  private onExit(entry: TaskEntry, exit: TaskExit): void {
    // An executor may still see a detached task end; the agent that adopts it will report that.
    if (entry.detached) return;
    entry.checks?.stop();
    entry.drain?.();
    entry.drain = undefined;
    const status = terminalStatus(exit, entry.kill !== undefined);
    this.opts.logger.info({ taskId: entry.spec.taskId, ...exit, state: status.state }, 'task ended');
    const { state, ...rest } = status;
    const unhealthy = entry.kill?.unhealthy;
    if (unhealthy !== undefined) {
      this.finish(entry, state, {
        ...rest,
        reason: UNHEALTHY_KILL_REASON,
        message: `${unhealthy}; ${rest.message}`,
      });
      return;
    }
    this.finish(entry, state, rest);
  }

  private change(
    entry: TaskEntry,
    state: TaskState,
    extra: Omit<TaskChange, 'taskId' | 'appId' | 'state'> = {},
  ): void {
    entry.state = state;
    // Every update carries what is known of the task's checks, so the master's picture of its
    // health never goes backwards whatever update it applies last.
    const checks = entry.checks?.report();
    this.opts.emit({ taskId: entry.spec.taskId, appId: entry.spec.appId, state, ...checks, ...extra });
  }

  private finish(
    entry: TaskEntry,
    state: TaskState,
    extra: Omit<TaskChange, 'taskId' | 'appId' | 'state'>,
  ): void {
    this.change(entry, state, extra);
    // Drop the process handle now: a finished task's record may wait a long time for its ack.
    entry.running = undefined;
    const secrets = secretVolumePaths(entry.spec);
    if (secrets.length > 0 && isSafeTaskId(entry.spec.taskId)) {
      void removeSecretFiles(this.opts.sandboxes.pathOf(entry.spec.taskId), secrets);
    }
    void this.checkpointEnd(entry, state, extra.message).finally(entry.markDone);
  }

  private async checkpoint(entry: TaskEntry, cp: TaskCheckpoint): Promise<void> {
    await this.opts.checkpoints.write(cp);
    entry.checkpoint = cp;
  }

  /** So a restarted agent never takes the task for a live one. */
  private async checkpointEnd(
    entry: TaskEntry,
    state: TaskState,
    message: string | undefined,
  ): Promise<void> {
    const cp = entry.checkpoint;
    if (!cp) return;
    try {
      await this.checkpoint(entry, { ...cp, ended: message === undefined ? { state } : { state, message } });
    } catch (err) {
      // Harmless: on restart its process is found gone (start time checked) and it is skipped.
      this.opts.logger.warn({ taskId: cp.taskId, err }, 'cannot checkpoint the end of a task');
    }
  }
}
