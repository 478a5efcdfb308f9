/**
 * The API server is built once per process, but a Master lives only for one leadership term.
 * These hand the API whatever the current term's Master (and its job runtime) is; on a standby,
 * or while a new leader loads, every call fails with NOT_LEADER (503). The API's leader gate
 * (api/leader-proxy.ts) normally proxies such requests before they get here.
 */
import { DroverError } from '../../domain/errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobsApi } from '../jobs/jobs-api.js';
import type { MasterApi } from '../master-api.js';
import type { MasterNode } from './master-node.js';

/** `node` is a getter: the API is built before the node exists (it needs the port it listens on). */
export function leaderMasterApi(node: () => MasterNode | undefined, events: EventBus): MasterApi {
  return delegate<MasterApi>(() => node()?.master, { events });
}

export function leaderJobsApi(node: () => MasterNode | undefined): JobsApi {
  return delegate<JobsApi>(() => node()?.master?.jobs, {});
}

function delegate<T extends object>(target: () => T | undefined, fixed: Partial<T>): T {
  return new Proxy({} as T, {
    get(_, prop) {
      if (prop in fixed) return fixed[prop as keyof T];
      const current = target();
      if (current === undefined) {
        // `then` is probed by await: a delegate must not look like a promise.
        if (prop === 'then') return undefined;
        throw new DroverError('NOT_LEADER', 'This master is not the leader (or is still loading state)');
      }
      const value = (current as Record<PropertyKey, unknown>)[prop];
      return typeof value === 'function' ? value.bind(current) : value;
    },
    has(_, prop) {
      const current = target();
      return prop in fixed || (current !== undefined && prop in current);
    },
  });
}
