/**
 * `GET /v2/info` in Marathon's shape. python3-marathon builds MarathonInfo and its nested config
 * objects from every key (unknown ones fail, and a missing `marathon_config`, `zookeeper_config`
 * or `http_config` fails too), so exactly Marathon's key names appear, all three objects present.
 *
 * `version` is the Marathon API Drover implements, because clients gate features on it
 * (marathon-python skips its event-stream calls below 0.9, marathon-node's callers compare it to
 * 1.x). Drover's own version is `buildref` (Marathon's build identifier; a new top-level key would
 * break python3-marathon) and the `X-Drover-Version` header.
 */
import type { MasterInfo } from '../../control-plane/master-api.js';
import { SERVICE_PORT_RANGE } from '../../domain/app-defaults.js';

/** The Marathon release whose REST API (app, group, pod-less) Drover follows. */
export const MARATHON_API_VERSION = '1.10.0';

/** Marathon's default `--failover_timeout` (a week), which Drover's checkpointed agents honour in spirit. */
const FAILOVER_TIMEOUT_S = 604_800;

export interface InfoExtras {
  /** Current `/v2/eventSubscriptions` callback URLs. */
  eventSubscribers?: readonly string[];
}

export function infoView(info: MasterInfo, extras: InfoExtras = {}): Record<string, unknown> {
  const scheme = info.http.https ? 'https' : 'http';
  const base = `${scheme}://${info.leader}`;
  return {
    name: info.name,
    version: MARATHON_API_VERSION,
    buildref: info.version,
    elected: true,
    leader: info.leader,
    frameworkId: info.frameworkId,
    marathon_config: {
      master: base,
      framework_name: info.name,
      hostname: info.http.host,
      checkpoint: true,
      executor: '//cmd',
      failover_timeout: FAILOVER_TIMEOUT_S,
      ha: info.config?.ha ?? false,
      features: [],
      local_port_min: SERVICE_PORT_RANGE.min,
      local_port_max: SERVICE_PORT_RANGE.max,
      maintenance_mode: false,
      ...(info.config ? { reconciliation_interval: info.config.reconcileIntervalMs } : {}),
      webui_url: `${base}/ui/`,
      mesos_role: null,
      mesos_user: null,
      mesos_leader_ui_url: null,
    },
    // No ZooKeeper: leader state lives in the store. The object must still be there.
    zookeeper_config: {},
    http_config: {
      assets_path: null,
      http_port: info.http.https ? null : info.http.port,
      https_port: info.http.https ? info.http.port : null,
    },
    // Callback subscriptions are always on (Marathon needs `--event_subscriber http_callback`).
    event_subscriber: { type: 'http_callback', http_endpoints: [...(extras.eventSubscribers ?? [])] },
  };
}
