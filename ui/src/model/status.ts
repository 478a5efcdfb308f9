// One word and one tone per state, the same everywhere (UI-NOTES: running green, deploying blue,
// waiting/delayed amber, unhealthy/failed red, suspended/finished grey). Never colour alone.
import type { App, QueueItem } from '../data/types.js';

export type Tone = 'ok' | 'busy' | 'wait' | 'bad' | 'off';

export interface Status {
  word: string;
  tone: Tone;
}

export function appStatus(app: App, queued?: QueueItem): Status {
  const running = app.tasksRunning ?? 0;
  if ((app.deployments?.length ?? 0) > 0) return { word: 'Deploying', tone: 'busy' };
  if (app.instances === 0 && running === 0) return { word: 'Suspended', tone: 'off' };
  if (queued && queued.delay.timeLeftSeconds > 0 && !queued.delay.overdue)
    return { word: 'Delayed', tone: 'wait' };
  if ((app.tasksUnhealthy ?? 0) > 0) return { word: 'Unhealthy', tone: 'bad' };
  if (running < app.instances) return { word: 'Waiting', tone: 'wait' };
  return { word: 'Running', tone: 'ok' };
}

export function taskStatus(state: string): Status {
  const word = state.replace(/^TASK_/, '').toLowerCase();
  switch (state) {
    case 'TASK_RUNNING':
      return { word, tone: 'ok' };
    case 'TASK_STAGING':
    case 'TASK_STARTING':
      return { word, tone: 'busy' };
    case 'TASK_KILLING':
    case 'TASK_UNREACHABLE':
      return { word, tone: 'wait' };
    case 'TASK_FAILED':
    case 'TASK_ERROR':
    case 'TASK_LOST':
    case 'TASK_GONE':
      return { word, tone: 'bad' };
    default:
      return { word, tone: 'off' };
  }
}

export function runStatus(outcome: string): Status {
  switch (outcome) {
    case 'success':
    case 'succeeded':
      return { word: outcome, tone: 'ok' };
    case 'running':
    case 'pending':
    case 'queued':
    case 'starting':
      return { word: outcome, tone: 'busy' };
    case 'retrying':
    case 'waiting':
      return { word: outcome, tone: 'wait' };
    case 'failed':
    case 'failure':
    case 'error':
    case 'lost':
      return { word: outcome, tone: 'bad' };
    default:
      return { word: outcome, tone: 'off' };
  }
}

export function jobStatus(
  lastSuccess: string | undefined,
  lastError: string | undefined,
  disabled?: boolean,
): Status {
  if (disabled) return { word: 'disabled', tone: 'off' };
  const ok = lastSuccess ? Date.parse(lastSuccess) : 0;
  const bad = lastError ? Date.parse(lastError) : 0;
  if (ok === 0 && bad === 0) return { word: 'fresh', tone: 'off' };
  return ok >= bad ? { word: 'success', tone: 'ok' } : { word: 'failure', tone: 'bad' };
}
