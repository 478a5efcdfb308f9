/** An app's status in one word, as Marathon's UI shows it (and the web UI, in the same colours). */
import type { App, QueueItem } from '../../client/types.js';

export type AppStatus = 'running' | 'deploying' | 'suspended' | 'waiting' | 'delayed' | 'unhealthy';

export function appStatus(app: App, queued: QueueItem | undefined): AppStatus {
  if ((app.deployments ?? []).length > 0) return 'deploying';
  if (queued) return queued.delay.timeLeftSeconds > 0 && !queued.delay.overdue ? 'delayed' : 'waiting';
  if (app.instances === 0 && (app.tasksRunning ?? 0) === 0) return 'suspended';
  if ((app.tasksUnhealthy ?? 0) > 0) return 'unhealthy';
  return 'running';
}

/** `2/3` running of wanted, with the healthy count when the app has health checks. */
export function instancesCell(app: App): string {
  const running = app.tasksRunning ?? 0;
  const base = `${running}/${app.instances}`;
  return (app.healthChecks ?? []).length > 0 ? `${base} (${app.tasksHealthy ?? 0} healthy)` : base;
}

export function whatRuns(app: App): string {
  const image = app.container?.docker?.image;
  if (image) return `docker ${image}`;
  if (app.cmd) return app.cmd;
  return (app.args ?? []).join(' ');
}
