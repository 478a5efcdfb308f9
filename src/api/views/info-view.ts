/**
 * `GET /v2/info` in Marathon's shape. python3-marathon builds MarathonInfo and its nested config
 * objects from every key (unknown ones fail, and a missing `marathon_config`, `zookeeper_config`
 * or `http_config` fails too), so exactly Marathon's key names appear, all three objects present.
 */
import type { MasterInfo } from '../../control-plane/master-api.js';

export function infoView(info: MasterInfo): Record<string, unknown> {
  return {
    name: info.name,
    version: info.version,
    buildref: info.version,
    elected: true,
    leader: info.leader,
    frameworkId: info.frameworkId,
    marathon_config: {
      master: 'drover',
      framework_name: info.name,
      hostname: info.http.host,
      checkpoint: true,
      executor: '//cmd',
      features: [],
      webui_url: null,
      mesos_role: null,
      mesos_user: null,
      mesos_leader_ui_url: null,
    },
    // No ZooKeeper: leader state lives in the store. The object must still be there.
    zookeeper_config: {},
    http_config: { assets_path: null, http_port: info.http.port, https_port: null },
    event_subscriber: null,
  };
}
