/**
 * The agent's end of one WebSocket to a master, as an AgentLink. One link is one connection:
 * master-connector.ts dials again after a drop. Frames from the master are checked against the
 * protocol schema; a malformed one is logged and closes the link. A `redirect` (from a standby
 * master) is not an agent message: it is reported to `onRedirect` and the link closes.
 */
import { inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import type { AgentLink, AgentToMaster, MasterToAgent } from '../domain/agent-protocol.js';
import { checkMasterToAgent, decodeFrame, type FrameData } from '../domain/agent-protocol-schema.js';
import type { Logger } from '../platform/logger.js';
import { keepAlive } from '../platform/ws-keepalive.js';

export interface DialOptions {
  /** `ws://` or `wss://` URL of the master's agent endpoint. */
  url: string;
  token: string | undefined;
  /** PEM certificates to trust for `wss://` besides the system's (a self-signed master). */
  ca?: string;
  logger: Logger;
  /** Give up on a connection attempt after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** Ping the master this often and drop the link when a ping goes unanswered. 0 disables. */
  pingIntervalMs?: number;
  onRedirect?: (leader: string) => void;
}

/** Why a dial failed, for the connector's logs and its choice of the next URL. */
export class DialError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DialError';
  }
}

/** The largest frame taken from the master, and the largest a compressed one may inflate to. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A binary frame from the master: raw-deflate compressed JSON (`compressedFrames` at register). */
function inflateFrame(data: FrameData): string {
  return inflateRawSync(data as Buffer, { maxOutputLength: MAX_FRAME_BYTES }).toString();
}

export function dialMaster(opts: DialOptions): Promise<AgentLink> {
  return new Promise<AgentLink>((resolve, reject) => {
    const ws = new WebSocket(opts.url, {
      headers: opts.token !== undefined ? { Authorization: `Bearer ${opts.token}` } : {},
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      handshakeTimeout: opts.connectTimeoutMs ?? 10_000,
      maxPayload: MAX_FRAME_BYTES,
    });
    let settled = false;
    ws.on('unexpected-response', (_req, res) => {
      settled = true;
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      reject(
        new DialError(
          status === 401
            ? `master ${opts.url} refused the cluster token (401)`
            : `master ${opts.url} answered ${status} to the upgrade`,
          status,
        ),
      );
    });
    ws.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(new DialError(`cannot reach master ${opts.url}: ${err.message}`));
    });
    ws.once('open', () => {
      settled = true;
      resolve(wrap(ws, opts));
    });
  });
}

function wrap(ws: WebSocket, opts: DialOptions): AgentLink {
  const messageHandlers: Array<(msg: MasterToAgent) => void> = [];
  const closeHandlers: Array<() => void> = [];
  const log = opts.logger.child({ master: opts.url });
  const drop = (problem: string) => {
    log.error({ problem }, 'malformed message from master: closing the link');
    ws.close(1008, problem.slice(0, 120));
  };

  ws.on('message', (data, isBinary) => {
    const checked = decodeFrame(data, isBinary, checkMasterToAgent, inflateFrame);
    if (!checked.ok) return drop(checked.problem);
    const msg = checked.msg;
    if (msg.type === 'redirect') {
      log.info({ leader: msg.leader }, 'master is a standby: following it to the leader');
      opts.onRedirect?.(msg.leader);
      ws.close(1000);
      return;
    }
    for (const h of messageHandlers) h(msg);
  });

  const stopPings = keepAlive(ws, opts.pingIntervalMs ?? 5_000, () =>
    log.warn('master did not answer a ping: dropping the link'),
  );

  ws.on('error', (err) => log.warn({ err: err.message }, 'link error'));
  ws.on('close', () => {
    stopPings();
    for (const h of closeHandlers) h();
  });

  return {
    send(msg: AgentToMaster) {
      // A send on a dead link is dropped: updates stay unacked and go again after re-registering.
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    },
    onMessage(h) {
      messageHandlers.push(h);
    },
    onClose(h) {
      closeHandlers.push(h);
    },
    close() {
      ws.close(1000);
    },
  };
}

/**
 * Where a redirect points: a full ws(s) URL as given, or `host:port` on the scheme and path of
 * the URL that was dialled (a standby knows the leader's API address, which serves agents too).
 */
export function redirectTarget(leader: string, dialled: string): string {
  if (/^wss?:\/\//i.test(leader)) return leader;
  const base = new URL(dialled);
  const hostPort = leader.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  return `${base.protocol}//${hostPort}${base.pathname}${base.search}`;
}
