// Which cached reads an event makes stale. The stream says what changed; the page refetches only
// the reads that change touches, at most a few times a second however fast events come.
export type Topic = 'apps' | 'deployments' | 'queue' | 'agents' | 'jobs';

export const ALL_TOPICS: readonly Topic[] = ['apps', 'deployments', 'queue', 'agents', 'jobs'];

const TASKS: Topic[] = ['apps', 'queue', 'agents', 'jobs'];
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
    case 'api_post_event':
    case 'app_terminated_event':
    case 'group_change_success':
    case 'group_change_failed':
      return ['apps', 'deployments', 'queue'];
    default:
      return [];
  }
}
