import type { MasterApi } from '../../control-plane/master-api.js';
import type { Clock } from '../../platform/clock.js';

/** What every Marathon route module gets from buildApiServer. */
export interface RouteContext {
  master: MasterApi;
  clock: Clock;
}
