/**
 * Follow one deployment live from `/v2/events` until it succeeds, fails, or gives up (Nomad's
 * `job run` monitor, `kubectl rollout status`). The stream is opened before the change is sent,
 * so no event of the deployment can be missed; what the events do not say (instances healthy
 * out of wanted) is read from the affected apps when an event touches them. Failures are
 * reported with the failed task's last stderr lines. Shared by the CLI (`--wait`) and the UI.
 */
import { isApiError } from './api-error.js';
import type { DroverClient } from './drover-client.js';
import type { ServerEvent } from './event-stream.js';
import type { DeploymentAction, DeploymentRef } from './types.js';

export const WATCH_EVENT_TYPES = [
  'deployment_info',
  'deployment_step_success',
  'deployment_step_failure',
  'deployment_success',
  'deployment_failed',
  'status_update_event',
  'instance_health_changed_event',
  'health_status_changed_event',
  'unhealthy_instance_kill_event',
] as const;

export interface AppProgress {
  id: string;
  wanted: number;
  running: number;
  healthy: number;
  /** Without health checks a running task counts as healthy. */
  checked: boolean;
}

export type WatchNote =
  | { kind: 'started'; ref: DeploymentRef; apps: string[] }
  | { kind: 'step'; step: number; total: number; actions: DeploymentAction[] }
  | { kind: 'apps'; apps: AppProgress[] }
  | { kind: 'task'; appId: string; taskId: string; state: string; message: string; stderr: string[] }
  | { kind: 'unhealthy'; appId: string; taskId: string; reason: string; stderr: string[] };

export interface WatchResult {
  ok: boolean;
  ref: DeploymentRef | undefined;
  /** Why it did not succeed. */
  reason?: string;
  timedOut?: boolean;
  /** The watch gave up but the deployment goes on (timeout, too many task failures). */
  stillRunning?: boolean;
  elapsedMs: number;
}

export interface WatchOptions {
  /** Sends the change; answers its deployment (undefined: nothing to deploy). */
  start(): Promise<DeploymentRef | undefined>;
  timeoutMs: number;
  /** Give up after this many failed or unhealthy-killed tasks of the affected apps (default 3). */
  maxFailures?: number;
  onNote(note: WatchNote): void;
  /** Lines of stderr shown with a failure (default 5). */
  stderrLines?: number;
  now?: () => number;
}

const FAILED_STATES = new Set(['TASK_FAILED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED']);

export async function watchDeployment(client: DroverClient, opts: WatchOptions): Promise<WatchResult> {
  const now = opts.now ?? Date.now;
  const began = now();
  const buffered: ServerEvent[] = [];
  let handle: ((e: ServerEvent) => void) | undefined;
  let opened!: () => void;
  let refused!: (err: Error) => void;
  const open = new Promise<void>((resolve, reject) => {
    opened = resolve;
    refused = reject;
  });
  const stream = client.events({
    types: WATCH_EVENT_TYPES,
    onEvent: (e) => (handle ? handle(e) : buffered.push(e)),
    onState: (s, err) => {
      if (s === 'open') opened();
      if (s === 'closed' && err) refused(err);
    },
  });
  try {
    await open;
    const ref = await opts.start();
    if (!ref?.deploymentId) return { ok: true, ref, elapsedMs: now() - began };
    return await follow(
      client,
      ref,
      opts,
      buffered,
      (h) => {
        handle = h;
      },
      began,
    );
  } finally {
    stream.close();
  }
}

async function follow(
  client: DroverClient,
  ref: DeploymentRef,
  opts: WatchOptions,
  buffered: ServerEvent[],
  listen: (h: (e: ServerEvent) => void) => void,
  began: number,
): Promise<WatchResult> {
  const now = opts.now ?? Date.now;
  const maxFailures = opts.maxFailures ?? 3;
  const running = (await client.deployments.list()).find((d) => d.id === ref.deploymentId);
  const apps = new Set<string>(running?.affectedApps ?? []);
  let failures = 0;
  let lastFailure = '';
  // The listing and the buffered events may both describe a step: show each step once, in order.
  let shownStep = 0;
  const step = (n: number, total: number, actions: DeploymentAction[]) => {
    if (n <= shownStep) return;
    shownStep = n;
    opts.onNote({ kind: 'step', step: n, total, actions });
  };

  return new Promise<WatchResult>((resolve) => {
    let settled = false;
    let refreshing = false;
    let refreshAgain = false;
    const finish = (r: Omit<WatchResult, 'ref' | 'elapsedMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ ...r, ref, elapsedMs: now() - began });
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          timedOut: true,
          stillRunning: true,
          reason: `timed out after ${Math.round(opts.timeoutMs / 1000)}s${lastFailure ? ` (last failure: ${lastFailure})` : ''}`,
        }),
      opts.timeoutMs,
    );
    // Finished before we could list it: its end event is already buffered, or about to arrive.
    const grace = setTimeout(() => {
      if (!running) finish({ ok: true });
    }, 3000);

    const refresh = async () => {
      if (refreshing) {
        refreshAgain = true;
        return;
      }
      refreshing = true;
      try {
        do {
          refreshAgain = false;
          const progress: AppProgress[] = [];
          for (const id of [...apps].sort()) {
            try {
              const app = await client.apps.show(id);
              const checked = (app.healthChecks ?? []).length > 0;
              progress.push({
                id,
                wanted: app.instances,
                running: app.tasksRunning ?? 0,
                healthy: checked ? (app.tasksHealthy ?? 0) : (app.tasksRunning ?? 0),
                checked,
              });
            } catch (err) {
              // A removed app (a delete deployment) has nothing left to count.
              if (!isApiError(err) || err.status !== 404) throw err;
              progress.push({ id, wanted: 0, running: 0, healthy: 0, checked: false });
            }
          }
          if (!settled) opts.onNote({ kind: 'apps', apps: progress });
        } while (refreshAgain && !settled);
      } catch {
        // Progress is a nicety; the deployment's own events decide the outcome.
      } finally {
        refreshing = false;
      }
    };

    const stderrOf = async (taskId: string): Promise<string[]> => {
      try {
        const text = await client.tasks.logs(taskId, { stream: 'stderr', tail: opts.stderrLines ?? 5 });
        return text.split('\n').filter((l) => l !== '');
      } catch {
        return [];
      }
    };

    // A failure is counted once its stderr is read, so the note that ends the watch carries it.
    const failed = async (what: string, taskId: string, note: (stderr: string[]) => WatchNote) => {
      const stderr = await stderrOf(taskId);
      if (settled) return;
      opts.onNote(note(stderr));
      failures += 1;
      lastFailure = what;
      if (failures >= maxFailures)
        finish({ ok: false, stillRunning: true, reason: `${failures} task failures, the last: ${what}` });
    };

    const onEvent = (e: ServerEvent) => {
      if (settled) return;
      const d = e.data as Record<string, unknown>;
      const plan = d.plan as { id?: string; steps?: Array<{ actions: DeploymentAction[] }> } | undefined;
      switch (e.type) {
        case 'deployment_info':
        case 'deployment_step_success': {
          if (plan?.id !== ref.deploymentId) return;
          const steps = plan.steps ?? [];
          for (const s of steps) for (const a of s.actions) apps.add(a.app);
          if (e.type === 'deployment_info') {
            const current = d.currentStep as { actions: DeploymentAction[] };
            const index = steps.findIndex((s) => JSON.stringify(s) === JSON.stringify(current));
            step(index + 1, steps.length, current.actions);
          }
          void refresh();
          return;
        }
        case 'deployment_success':
          // One last count, so the final progress shows the deployment's end state.
          if (d.id === ref.deploymentId) void refresh().finally(() => finish({ ok: true }));
          return;
        case 'deployment_failed':
          if (d.id === ref.deploymentId)
            finish({
              ok: false,
              reason: `the deployment was stopped or rolled back${lastFailure ? ` (last failure: ${lastFailure})` : ''}`,
            });
          return;
        case 'status_update_event': {
          const appId = String(d.appId);
          if (!apps.has(appId)) return;
          const state = String(d.taskStatus);
          if (FAILED_STATES.has(state)) {
            const taskId = String(d.taskId);
            const message = String(d.message ?? '');
            void failed(`${taskId} ${state}${message ? `: ${message}` : ''}`, taskId, (stderr) => ({
              kind: 'task',
              appId,
              taskId,
              state,
              message,
              stderr,
            }));
          }
          void refresh();
          return;
        }
        case 'unhealthy_instance_kill_event': {
          const appId = String(d.appId);
          if (!apps.has(appId)) return;
          const taskId = String(d.taskId);
          const reason = String(d.reason ?? 'health check failed');
          void failed(`${taskId} killed as unhealthy: ${reason}`, taskId, (stderr) => ({
            kind: 'unhealthy',
            appId,
            taskId,
            reason,
            stderr,
          }));
          void refresh();
          return;
        }
        default: {
          const appId = String(d.appId ?? d.runSpecId ?? '');
          if (apps.has(appId)) void refresh();
        }
      }
    };

    opts.onNote({ kind: 'started', ref, apps: [...apps] });
    for (const e of buffered.splice(0)) onEvent(e);
    const current = running?.steps[running.currentStep - 1];
    if (running && current) step(running.currentStep, running.totalSteps, current.actions);
    void refresh();
    listen(onEvent);
  });
}
