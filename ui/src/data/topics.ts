// Which cached reads an event makes stale. The stream says what changed; the page refetches only
// the reads that change touches, at most a few times a second however fast events come.
export type Topic = 'apps' | 'deployments' | 'queue' | 'agents' | 'jobs';

export const ALL_TOPICS: readonly Topic[] = ['apps', 'deployments', 'queue', 'agents', 'jobs'];

// Job tasks send no status updates (their runs have job_run_* events), so tasks leave jobs alone.
const TASKS: Topic[] = ['apps', 'queue', 'agents'];
const DEPLOYS: Topic[] = ['deployments', 'apps', 'queue'];

export function topicsOf(eventType: string): readonly Topic[] {
  switch (eventType) {
    case 'status_update_event':
    case 'instance_changed_event':
    case 'instance_health_changed_event':
    case 'health_status_changed_event':
    case 'failed_health_check_event':
    case 'unhealthy_instance_kill_event':
      return TASKS;
    case 'deployment_info':
    case 'deployment_step_success':
    case 'deployment_step_failure':
    case 'deployment_success':
    case 'deployment_failed':
      return DEPLOYS;
    case 'job_run_queued_event':
    case 'job_run_retrying_event':
      return ['jobs'];
    // A run's task takes or frees an agent's resources.
    case 'job_run_started_event':
    case 'job_run_finished_event':
    case 'job_run_failed_event':
      return ['jobs', 'agents'];
    case 'api_post_event':
    case 'app_terminated_event':
    case 'group_change_success':
    case 'group_change_failed':
      return ['apps', 'deployments', 'queue'];
    default:
      return [];
  }
}
