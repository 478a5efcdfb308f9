// One line per event for the feed: what happened, to which app, the detail that matters.
import type { LiveEvent } from '../data/types.js';

export interface EventLine {
  title: string;
  appId?: string;
  /** A job run the event is about: the job's name and the run's id (its due time in ms). */
  run?: { job: string; runId: string };
  detail: string;
}

const RUN_TITLES: Record<string, string> = {
  job_run_queued_event: 'run queued',
  job_run_started_event: 'run started',
  job_run_retrying_event: 'run retrying',
  job_run_finished_event: 'run finished',
  job_run_failed_event: 'run failed',
};

export function eventSummary(e: LiveEvent): EventLine {
  const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  const appId = str('appId') ?? str('runSpecId');
  const base = appId ? { appId } : {};
  const job = str('jobName');
  const runId = str('runId');
  if (RUN_TITLES[e.eventType] && job && runId) {
    const exit = typeof e.exitCode === 'number' ? `exit ${e.exitCode}` : '';
    const detail =
      e.eventType === 'job_run_started_event'
        ? `attempt ${String(e.attempt ?? 1)} on ${str('host') ?? '?'}`
        : e.eventType === 'job_run_retrying_event'
          ? `attempt ${String(e.attempt ?? 1)} failed ${exit}`.trim()
          : e.eventType === 'job_run_finished_event' || e.eventType === 'job_run_failed_event'
            ? [str('outcome'), exit, str('skipReason')].filter(Boolean).join(', ')
            : `${str('trigger') ?? ''} run`;
    return { title: RUN_TITLES[e.eventType]!, run: { job, runId }, detail };
  }
  switch (e.eventType) {
    case 'status_update_event':
      return {
        title: 'task',
        ...base,
        detail: `${str('taskStatus') ?? ''} on ${str('host') ?? '?'} ${str('message') ?? ''}`.trim(),
      };
    case 'instance_changed_event':
      return { title: 'instance', ...base, detail: `${str('condition') ?? ''} on ${str('host') ?? '?'}` };
    case 'instance_health_changed_event':
      return {
        title: 'health',
        ...base,
        detail: e.healthy === true ? 'healthy' : e.healthy === false ? 'unhealthy' : 'unknown',
      };
    case 'health_status_changed_event':
      return { title: 'health', ...base, detail: e.alive ? 'alive' : 'failing' };
    case 'failed_health_check_event':
      return { title: 'health check failed', ...base, detail: str('instanceId') ?? '' };
    case 'unhealthy_instance_kill_event':
      return { title: 'killed unhealthy', ...base, detail: str('reason') ?? '' };
    case 'api_post_event': {
      const def = e.appDefinition as { id?: string } | undefined;
      return {
        title: 'app changed',
        ...(def?.id ? { appId: def.id } : {}),
        detail: `via ${str('uri') ?? 'API'}`,
      };
    }
    case 'app_terminated_event':
      return { title: 'app removed', ...base, detail: '' };
    case 'deployment_info':
    case 'deployment_step_success':
    case 'deployment_step_failure': {
      const step = e.currentStep as { actions?: Array<{ action: string; app: string }> } | undefined;
      const what = (step?.actions ?? []).map((a) => `${a.action} ${a.app}`).join(', ');
      return { title: e.eventType.replace(/_/g, ' ').replace('info', 'step'), detail: what };
    }
    case 'deployment_success':
    case 'deployment_failed':
      return { title: e.eventType.replace('_', ' '), detail: str('id') ?? '' };
    case 'group_change_success':
    case 'group_change_failed':
      return {
        title: e.eventType.replace(/_/g, ' '),
        detail: `${str('groupId') ?? ''} ${str('reason') ?? ''}`.trim(),
      };
    default:
      return { title: e.eventType.replace(/_/g, ' '), detail: '' };
  }
}
