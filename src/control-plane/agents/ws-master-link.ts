/**
 * The master's end of one agent WebSocket as a MasterLink. Every frame is parsed and checked
 * against the protocol schema and the session rules before the master sees it; a malformed or
 * out-of-order message is logged and closes the connection (1008), and is never delivered, so it
 * can change nothing. Pings find connections that died without a close (a cut cable, a frozen
 * host) so the agent's id is freed for its reconnect.
 */
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import type WebSocket from 'ws';
import type { AgentToMaster, MasterLink, MasterToAgent } from '../../domain/agent-protocol.js';
import { checkAgentToMaster, decodeFrame } from '../../domain/agent-protocol-schema.js';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import type { Logger } from '../../platform/logger.js';
import { batchTurnWrites } from '../../platform/turn-writes.js';
import { keepAlive } from '../../platform/ws-keepalive.js';
import { AgentSession } from './agent-session-rules.js';

export const POLICY_VIOLATION = 1008;

/**
 * The last frame sent encoded (a broadcast, or a whole routing table sent to each registering
 * agent) as bytes, shared by every link: a string is UTF-8 encoded again for each socket it is
 * written to, so one routing patch to 10,000 agents was encoded 10,000 times; one Buffer is
 * written by all their sockets as it is.
 *
 * Agents that registered with `compressedFrames` get it raw-deflate compressed instead, also
 * once for all of them. Routing frames carry every new backend to every agent (task id, host,
 * port: ~95 bytes of JSON each), so 1,000 agents x 10,000 tasks was ~950 MB written by the master
 * and read by the agents in the placement bench, one of its largest costs; compressed, about a
 * third (task ids are mostly random hex).
 */
let lastFrame: { text: string; bytes: Buffer; deflated?: Buffer } | undefined;

/** Smaller frames go as text: their few bytes saved would not pay for the agents' inflating. */
const COMPRESS_FROM_BYTES = 1024;

function frameBytes(text: string, compressed: boolean): { bytes: Buffer; binary: boolean } {
  if (lastFrame?.text !== text) lastFrame = { text, bytes: Buffer.from(text) };
  const frame = lastFrame;
  if (!compressed || frame.bytes.length < COMPRESS_FROM_BYTES) return { bytes: frame.bytes, binary: false };
  frame.deflated ??= deflateRawSync(frame.bytes, { level: zlibConstants.Z_BEST_SPEED });
  return { bytes: frame.deflated, binary: true };
}

export interface WsMasterLinkOptions {
  logger: Logger;
  /** Where the connection comes from, for the logs. */
  remote: string;
  /** A connection that has not answered a ping within this long is dropped. 0 disables. */
  pingIntervalMs: number;
  /** A connection that has not sent `register` within this long is closed. Default 30 s. */
  registerTimeoutMs?: number;
}

export function wsMasterLink(ws: WebSocket, opts: WsMasterLinkOptions): MasterLink {
  const messageHandlers: Array<(msg: AgentToMaster) => void> = [];
  const closeHandlers: Array<() => void> = [];
  const session = new AgentSession();
  /** The agent said at registration that it inflates binary frames. */
  let compressed = false;
  const log = opts.logger.child({ agentRemote: opts.remote });
  let rejected = false;

  const reject = (problem: string) => {
    if (rejected) return;
    rejected = true;
    log.warn({ problem }, 'agent protocol violation: closing the connection');
    ws.close(POLICY_VIOLATION, problem.slice(0, 120));
  };

  ws.on('message', (data, isBinary) => {
    if (rejected) return;
    const checked = decodeFrame(data, isBinary, checkAgentToMaster);
    if (!checked.ok) return reject(checked.problem);
    const problem = session.violation(checked.msg);
    if (problem) return reject(problem);
    if (checked.msg.type === 'register') {
      clearTimeout(registerDeadline);
      compressed = checked.msg.compressedFrames === true;
    }
    for (const h of messageHandlers) h(checked.msg);
  });

  // A holder of the token that connects and never registers would otherwise hold a socket forever.
  const registerDeadline = setCappedTimeout(
    () => reject('no register message in time'),
    opts.registerTimeoutMs ?? 30_000,
  );
  registerDeadline.unref();

  const stopPings = keepAlive(ws, opts.pingIntervalMs, () =>
    log.warn('agent connection did not answer a ping: dropping it'),
  );

  ws.on('error', (err) => log.warn({ err: err.message }, 'agent connection error'));
  ws.on('close', () => {
    clearTimeout(registerDeadline);
    stopPings();
    for (const h of closeHandlers) h();
  });

  return {
    send(msg: MasterToAgent) {
      session.sent(msg);
      if (ws.readyState !== ws.OPEN) return;
      batchTurnWrites(ws);
      ws.send(JSON.stringify(msg));
    },
    sendEncoded(msg: MasterToAgent, encoded: string) {
      session.sent(msg);
      // From bytes encoded (and compressed) once for every link (frameBytes).
      if (ws.readyState !== ws.OPEN) return;
      batchTurnWrites(ws);
      const frame = frameBytes(encoded, compressed);
      ws.send(frame.bytes, { binary: frame.binary });
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
