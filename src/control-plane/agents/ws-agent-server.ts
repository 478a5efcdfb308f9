/**
 * The agent endpoint: WebSocket upgrades on the API's own server (same port, same TLS), at
 * AGENT_PATH. An upgrade must carry `Authorization: Bearer <cluster token>`; anything else is
 * answered 401 (404 for another path) and logged, before a WebSocket exists. Accepted connections
 * become MasterLinks (ws-master-link.ts) handed to `onLink`, normally Master.connectAgent.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AGENT_PATH } from '../../domain/agent-endpoint.js';
import type { MasterLink } from '../../domain/agent-protocol.js';
import type { Logger } from '../../platform/logger.js';
import { bearerToken, secretEquals } from '../../platform/secret-compare.js';
import { wsMasterLink } from './ws-master-link.js';

export { AGENT_PATH };

/** Room for a register listing thousands of tasks, or a 1 MiB log read, with margin. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

export interface AgentServerOptions {
  /** The API's HTTP(S) server; upgrades are taken from it. */
  server: Server;
  /** The cluster token. Undefined: any agent is accepted (loopback development only; see bin/). */
  token: string | undefined;
  logger: Logger;
  onLink(link: MasterLink): void;
  /** Default 5000 ms. */
  pingIntervalMs?: number;
  /** How long a new connection may take to send `register`. Default 30 s. */
  registerTimeoutMs?: number;
}

export interface AgentServer {
  /** Closes every agent connection and stops accepting new ones. */
  close(): Promise<void>;
}

export function attachAgentServer(opts: AgentServerOptions): AgentServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = opts.logger.child({ component: 'agent-endpoint' });
  const pingIntervalMs = opts.pingIntervalMs ?? 5_000;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const path = (req.url ?? '').split('?')[0];
    if (path !== AGENT_PATH) return refuse(socket, 404, 'Not Found');
    if (opts.token !== undefined) {
      const presented = bearerToken(req.headers.authorization);
      if (presented === undefined || !secretEquals(presented, opts.token)) {
        log.warn(
          { remote, presented: presented === undefined ? 'none' : 'wrong' },
          'agent refused: bad cluster token',
        );
        return refuse(socket, 401, 'Unauthorized');
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      log.info({ remote }, 'agent connected');
      opts.onLink(
        wsMasterLink(ws, {
          logger: log,
          remote,
          pingIntervalMs,
          ...(opts.registerTimeoutMs !== undefined ? { registerTimeoutMs: opts.registerTimeoutMs } : {}),
        }),
      );
    });
  };
  opts.server.on('upgrade', onUpgrade);

  return {
    close() {
      opts.server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  const headers = status === 401 ? 'WWW-Authenticate: Bearer realm="drover agents"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}
