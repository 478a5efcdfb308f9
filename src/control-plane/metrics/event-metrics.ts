/**
 * What each bus event counts. Metrics are fed from the event bus, so emitters (status updates,
 * health checks, deployments, the event stream) carry no metrics code: emitting the event is
 * enough for the counter to move.
 */
import type { BusEvent } from '../events/event-bus.js';

export interface EventSinks {
  event(eventType: string): void;
  statusUpdate(taskStatus: string): void;
  healthCheckResult(result: 'healthy' | 'unhealthy' | 'failed' | 'killed'): void;
  deploymentStarted(id: string): void;
  deploymentEnded(id: string): void;
  streamAttached(): void;
  streamDetached(): void;
}

export function recordEvent(e: BusEvent, sinks: EventSinks): void {
  sinks.event(e.eventType);
  const p = e.payload as unknown as Record<string, unknown>;
  switch (e.eventType) {
    case 'status_update_event':
      sinks.statusUpdate(String(p.taskStatus));
      break;
    // health_status_changed_event and instance_health_changed_event report the same change;
    // only the first is counted, so a change is one result.
    case 'health_status_changed_event':
      sinks.healthCheckResult(p.alive === true ? 'healthy' : 'unhealthy');
      break;
    case 'failed_health_check_event':
      sinks.healthCheckResult('failed');
      break;
    case 'unhealthy_instance_kill_event':
      sinks.healthCheckResult('killed');
      break;
    // Marathon sends deployment_info as a deployment starts and again at each step.
    case 'deployment_info': {
      const id = (p.plan as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') sinks.deploymentStarted(id);
      break;
    }
    case 'deployment_success':
    case 'deployment_failed':
      if (typeof p.id === 'string') sinks.deploymentEnded(p.id);
      break;
    case 'event_stream_attached':
      sinks.streamAttached();
      break;
    case 'event_stream_detached':
      sinks.streamDetached();
      break;
  }
}
