/** Test fixture: a TCP route of app /web on `servicePort` with one backend per port of `host`. */
import type { Route } from '../../domain/agent-protocol.js';

export const route = (
  servicePort: number,
  ports: number[],
  over: Partial<Route> = {},
  host = '127.0.0.1',
): Route => ({
  appId: '/web',
  servicePort,
  portIndex: 0,
  mode: 'tcp',
  vhosts: [],
  paths: [],
  backends: ports.map((port, i) => ({ taskId: `t${i}`, host, port })),
  ...over,
});
