/**
 * One reconcile pass: snapshot state, ask the pure cores what to do (planReconcile, placeTasks),
 * persist the new tasks, then tell agents. Each app is reconciled in the phase running
 * deployments give it (deployments-state.ts): steady, rolling or frozen. Tasks are stored as TASK_STAGING before the launch is
 * sent, so the store always knows every task an agent may be running.
 */
import type { AppDefinition } from '../../domain/app.js';
import { appIdToTaskPrefix } from '../../domain/app.js';
import { secretFileSources, secretSources } from '../../domain/app-secrets.js';
import { hostWideningParameters } from '../../domain/docker-parameters.js';
import {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_ROUTE_ACK_TIMEOUT_MS,
  jobKillTiming,
  killDrainMs,
  killGraceMs,
} from '../../domain/kill-timing.js';
import { servicePortsOf } from '../../domain/service-ports.js';
import type { TaskRecord } from '../../domain/task.js';
import { buildTaskSpec } from '../../domain/task-spec.js';
import { activeDelay } from '../../scheduler/backoff.js';
import type { AgentRejection, PlacementRequest } from '../../scheduler/placement-types.js';
import { planReconcile, type ReconcileApp } from '../../scheduler/reconcile-plan.js';
import type { MasterContext } from '../context.js';
import type { AppPhase } from '../deployments/deployments-state.js';
import { reconcileAppOf } from '../deployments/rollout-view.js';
import { launchShares, MAX_LAUNCHES_PER_PASS } from './launch-shares.js';
import { placeAndLaunch, requestKill } from './launcher.js';
import { appsToVisit } from './reconcile-scope.js';

/** A kill not confirmed after grace + this long is sent again (the agent may have missed it). */
const KILL_RESEND_SLACK_MS = 5_000;

/**
 * Visits the apps that changed since the previous pass (state.passMemory), and every app once per
 * FULL_SWEEP_MS (reconcile-scope.ts).
 */
export async function reconcilePass(ctx: MasterContext): Promise<void> {
  const { state, deps } = ctx;
  const memory = state.passMemory;
  const now = deps.clock.now();
  const phases = ctx.deployments.phases();
  const mark = state.appChanges.mark();
  const scope = appsToVisit({
    now,
    lastFullAt: memory.lastFullAt,
    changed: state.appChanges.since(memory.mark),
    waiting: state.waiting.keys(),
    phases,
    phasesBefore: memory.phases,
  });
  if (scope === 'all') {
    memory.lastFullAt = now;
    state.appChanges.forget(mark, (id) => state.apps.has(id) || state.tasks.ofApp(id).length > 0);
  }
  // Changes this pass makes are after the mark: the next pass looks at those apps again.
  memory.mark = mark;
  memory.phases = phases;

  const tasksByApp = new Map<string, TaskRecord[]>();
  if (scope === 'all') {
    for (const t of state.tasks.values()) {
      const list = tasksByApp.get(t.appId);
      if (list) list.push(t);
      else tasksByApp.set(t.appId, [t]);
    }
  } else {
    for (const id of scope) {
      const tasks = state.tasks.ofApp(id);
      if (tasks.length > 0) tasksByApp.set(id, tasks);
    }
  }

  await killOrphans(ctx, tasksByApp, now, phases);

  // In the apps' own order whatever the scope: launch shares go round-robin in plan order.
  const apps = [...state.apps.values()].filter((a) => scope === 'all' || scope.has(a.id));
  const plan = planReconcile(
    apps.map((app) => toReconcileApp(app, tasksByApp.get(app.id) ?? [], ctx, now, phases.get(app.id))),
    now,
  );

  for (const k of plan.kill) {
    const task = state.tasks.get(k.taskId);
    if (task) await killAppTask(ctx, task, now);
  }

  const requests: PlacementRequest[] = [];
  const requestApp = new Map<string, AppDefinition>();
  const { now: launchNow, later } = launchShares(plan.launch, MAX_LAUNCHES_PER_PASS);
  for (const l of launchNow) {
    const app = state.apps.get(l.appId)!;
    for (let i = 0; i < l.count; i++) {
      const key = `${appIdToTaskPrefix(app.id)}.${deps.ids.uuid()}`;
      requests.push(placementRequest(key, app));
      requestApp.set(key, app);
    }
  }

  const waiting = new Map<string, { count: number; rejections: AgentRejection[] }>();
  for (const d of plan.delayed) waiting.set(d.appId, { count: d.count, rejections: [] });
  // Over the cap: still waiting (the queue shows them), placed by the pass queued right away.
  for (const l of later) {
    const w = waiting.get(l.appId) ?? { count: 0, rejections: [] };
    waiting.set(l.appId, { ...w, count: w.count + l.count });
  }
  if (later.length > 0) ctx.trigger();

  const defaultKillGraceMs = deps.defaultKillGraceMs ?? DEFAULT_KILL_GRACE_MS;
  // An app whose secrets cannot be read now is not placed this pass (logged by name, never value).
  const secretValues = await secretsOf(ctx, [...new Set(requestApp.values())]);
  const unplaced = await placeAndLaunch(
    ctx,
    requests.filter((r) => secretValues.has(requestApp.get(r.key)!.id)),
    {
      launchOf: (p, agent) => {
        const app = requestApp.get(p.key)!;
        const task: TaskRecord = {
          id: p.key,
          appId: app.id,
          version: app.version,
          configVersion: app.versionInfo.lastConfigChangeAt,
          agentId: agent.id,
          host: agent.address,
          ports: p.ports,
          servicePorts: servicePortsOf(app),
          state: 'TASK_STAGING',
          stagedAt: now,
          updatedAt: now,
          resources: { cpus: app.cpus, mem: app.mem, disk: app.disk },
        };
        const { env: secretEnv, files: secretFiles } = secretValues.get(app.id) ?? { env: {}, files: {} };
        const spec = {
          ...buildTaskSpec({
            app,
            taskId: task.id,
            host: task.host,
            hostPorts: task.ports,
            defaultKillGraceMs,
          }),
          // Read for this launch only: in the launch message, never stored with the task.
          ...(Object.keys(secretEnv).length > 0 ? { secretEnv } : {}),
          ...(Object.keys(secretFiles).length > 0 ? { secretFiles } : {}),
        };
        return { task, spec };
      },
      store: async (launches) => {
        await deps.store.putTasks(launches.map((l) => l.task));
        for (const { task } of launches) state.tasks.set(task.id, task);
      },
    },
  );
  for (const u of unplaced) {
    const w = waiting.get(u.appId) ?? { count: 0, rejections: [] };
    w.count += 1;
    w.rejections = u.rejections;
    waiting.set(u.appId, w);
  }

  for (const [appId, w] of waiting) {
    const prev = state.waiting.get(appId);
    state.waiting.set(appId, { since: prev?.since ?? now, count: w.count, rejections: w.rejections });
  }
  for (const appId of state.waiting.keys()) if (!waiting.has(appId)) state.waiting.delete(appId);
}

/** Kills an app's task (or an orphan's) with the app's kill grace and drain (launcher.ts). */
export function killAppTask(ctx: MasterContext, task: TaskRecord, now: number): Promise<void> {
  return requestKill(ctx, task, now, killTiming(ctx, ctx.state.apps.get(task.appId)));
}

function killTotalMs(k: { grace: number; drain: number }): number {
  return k.grace + k.drain;
}

function killTiming(
  ctx: MasterContext,
  app: AppDefinition | undefined,
  task?: TaskRecord,
): { grace: number; drain: number } {
  const defaultGrace = ctx.deps.defaultKillGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (task?.jobRun) return jobKillTiming(defaultGrace);
  return { grace: killGraceMs(app, defaultGrace), drain: killDrainMs(app, ctx.deps.killDrainMs ?? 0) };
}

/** Tasks of deleted apps are killed; kills that went unanswered are re-sent. */
async function killOrphans(
  ctx: MasterContext,
  tasksByApp: Map<string, TaskRecord[]>,
  now: number,
  phases: ReadonlyMap<string, AppPhase>,
): Promise<void> {
  // A kill may have waited for the routers before it was sent (launcher.ts requestKill).
  const resendAfter = KILL_RESEND_SLACK_MS + (ctx.deps.routeAckTimeoutMs ?? DEFAULT_ROUTE_ACK_TIMEOUT_MS);
  for (const [appId, tasks] of tasksByApp) {
    const app = ctx.state.apps.get(appId);
    // A removed app whose StopApplication step has not come yet keeps its tasks (dependents stop first).
    const frozen = phases.get(appId) === 'frozen';
    for (const t of tasks) {
      if (t.killRequestedAt === undefined) {
        // Job run tasks have no app: the job runtime owns them (control-plane/jobs/).
        if (!app && !frozen && t.jobRun === undefined) await killAppTask(ctx, t, now);
      } else if (now - t.killRequestedAt > killTotalMs(killTiming(ctx, app, t)) + resendAfter) {
        const resent = { ...t, killRequestedAt: now };
        ctx.state.tasks.set(t.id, resent);
        ctx.hub.send(t.agentId, { type: 'kill', taskId: t.id, gracePeriodMs: 0 });
      }
    }
  }
}

function toReconcileApp(
  app: AppDefinition,
  tasks: TaskRecord[],
  ctx: MasterContext,
  now: number,
  phase: AppPhase | undefined,
): ReconcileApp {
  const delay = activeDelay(ctx.state.delays.get(app.id), now);
  return reconcileAppOf(app, tasks, {
    phase: phase ?? 'steady',
    ...(delay ? { delayedUntil: delay.until } : {}),
    draining: (agentId) => ctx.state.agents.get(agentId)?.draining === true,
  });
}

function placementRequest(key: string, app: AppDefinition): PlacementRequest {
  const mappings = app.container?.docker?.portMappings ?? app.container?.portMappings;
  const ports = mappings
    ? mappings.map((m) => m.hostPort ?? 0)
    : app.portDefinitions.map((d) => (app.requirePorts ? d.port : 0));
  return {
    key,
    appId: app.id,
    cpus: app.cpus,
    mem: app.mem,
    disk: app.disk,
    ports,
    requirePorts: app.requirePorts || (mappings?.some((m) => (m.hostPort ?? 0) > 0) ?? false),
    constraints: app.constraints,
    // A MESOS container with an image runs through the engine too (task-runner.ts).
    needsDocker: app.container?.type === 'DOCKER' || app.container?.docker?.image !== undefined,
    // As `privileged`: parameters that widen what the container reaches on the host.
    needsPrivileged:
      app.container?.type === 'DOCKER' &&
      (app.container.docker?.privileged === true ||
        hostWideningParameters(app.container.docker?.parameters ?? []).length > 0),
  };
}

/**
 * App id -> the values of its secret variables and files (empty for apps without secrets);
 * absent: cannot launch now.
 */
async function secretsOf(
  ctx: MasterContext,
  apps: AppDefinition[],
): Promise<Map<string, { env: Record<string, string>; files: Record<string, string> }>> {
  const out = new Map<string, { env: Record<string, string>; files: Record<string, string> }>();
  for (const app of apps) {
    const sources = secretSources(app);
    const fileSources = secretFileSources(app);
    if (Object.keys(sources).length === 0 && Object.keys(fileSources).length === 0) {
      out.set(app.id, { env: {}, files: {} });
      continue;
    }
    try {
      const vault = ctx.deps.secrets;
      if (!vault) throw new Error('secrets are off (no --secret-key-file)');
      out.set(app.id, { env: await vault.valuesFor(sources), files: await vault.valuesFor(fileSources) });
    } catch (err) {
      ctx.deps.logger.error(
        { appId: app.id, reason: (err as Error).message },
        'cannot read the secrets of the app: not launching',
      );
    }
  }
  return out;
}
