/**
 * Marathon's leader proxy: only the leader serves the API; a standby passes every request on to
 * it unchanged (method, path, headers, body, streams such as /v2/events) and passes the answer
 * back, adding `X-Marathon-Leader: <leader URL>` and `X-Marathon-Via: 1.1 <this master>`, as
 * Marathon does. So a client may talk to any master, and a load balancer may spread clients over
 * all of them. A standby answers only what it knows itself: `/ping`, who leads
 * (`GET /v2/leader`, Chronos's `/leader`) and the web UI's static files under `/ui` (the same
 * build on every master; a browser opened during an election or a master's shutdown gets the page,
 * which then says the API is unreachable and retries, instead of a 503 document). With no leader known (during an election) requests get
 * 503 at once, so clients retry instead of hanging.
 *
 * Installed after authentication, so a standby refuses bad credentials itself, and before the
 * routes, which therefore only ever run on the leader. `DELETE /v2/leader` (abdicate) is one of
 * them: a standby forwards it, like any request, to the leader.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setCappedTimeout } from '../platform/capped-timer.js';
import type { Logger } from '../platform/logger.js';
import { isWebUiPath } from './web-ui.js';

export interface LeaderGate {
  /** This master leads and serves the API itself. */
  leads(): boolean;
  /** The API base URL of the leader, when it is another master and known. */
  leaderUrl(): string | undefined;
  /** This master's API base URL (read per request: known once the server listens). */
  readonly selfUrl: string;
  /** Give leadership up (DELETE /v2/leader on the leader). */
  abdicate(): Promise<void>;
}

export interface LeaderProxyOptions {
  /** PEM to trust for an https:// leader (masters' own certificate or their CA). */
  ca?: string;
  /** Give up when the leader has not answered (headers) within this long. Default 10 s. */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Requests this standby passed on to the leader. The leader records them in the audit log (once,
 * with the client's address as the standby saw it in X-Forwarded-For); the standby records only
 * what it answered itself (a refused credential, no leader known).
 */
const FORWARDED = new WeakSet<FastifyRequest>();

export function forwardedToLeader(req: FastifyRequest): boolean {
  return FORWARDED.has(req);
}

export const LEADER_HEADER = 'x-marathon-leader';
export const VIA_HEADER = 'x-marathon-via';

/** Answered by every master itself. */
const LOCAL_ALWAYS = new Set(['/ping']);
/** Who leads: a standby knows, no need to ask the leader (which may be the one that is gone). */
const LEADER_PATHS = new Set(['/v2/leader', '/leader', '/scheduler/leader', '/v1/scheduler/leader']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host'];

export function installLeaderGate(
  app: FastifyInstance,
  gate: LeaderGate,
  opts: LeaderProxyOptions = {},
): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // The web UI's files are static, the same build on every master.
    if (LOCAL_ALWAYS.has(path) || isWebUiPath(path)) return;
    const self = new URL(gate.selfUrl).host;
    if (gate.leads()) {
      reply.header(LEADER_HEADER, gate.selfUrl);
      return;
    }
    const leader = gate.leaderUrl();
    if (req.method === 'GET' && LEADER_PATHS.has(path)) {
      if (leader === undefined) return reply.code(404).send({ message: 'There is no leader' });
      return reply.header(LEADER_HEADER, leader).send({ leader: new URL(leader).host });
    }
    if (leader === undefined) {
      return reply.code(503).send({ message: 'Could not determine the current leader' });
    }
    const via = headerList(req.headers[VIA_HEADER]);
    if (via.some((v) => v.endsWith(` ${self}`))) {
      return reply.code(502).send({ message: `Proxy loop: the request already passed ${self}` });
    }
    FORWARDED.add(req);
    forward(req, reply, leader, [...via, `1.1 ${self}`], opts);
    return reply;
  });

  app.delete('/v2/leader', async () => {
    await gate.abdicate();
    return { message: 'Leadership abdicated' };
  });
}

function forward(
  req: FastifyRequest,
  reply: FastifyReply,
  leader: string,
  via: string[],
  opts: LeaderProxyOptions,
): void {
  reply.hijack();
  const target = new URL(req.raw.url ?? '/', leader);
  const forwardedFor = [...headerList(req.headers['x-forwarded-for']), req.ip].join(', ');
  const headers: IncomingHttpHeaders = {
    ...req.headers,
    [VIA_HEADER]: via.join(', '),
    'x-forwarded-for': forwardedFor,
  };
  for (const h of HOP_BY_HOP) delete headers[h];
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, {
    method: req.method,
    headers,
    agent: false,
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
  });
  const out = reply.raw;
  const timer = setCappedTimeout(
    () => upstream.destroy(new Error('the leader did not answer in time')),
    opts.timeoutMs ?? 10_000,
  );
  upstream.on('response', (res: IncomingMessage) => {
    clearTimeout(timer);
    const back: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined && !HOP_BY_HOP.includes(k)) back[k] = v;
    back[LEADER_HEADER] = leader;
    back[VIA_HEADER] = via.join(', ');
    out.writeHead(res.statusCode ?? 502, back);
    res.pipe(out);
    // A client that goes away (an /v2/events reader) must not keep the leader's stream open.
    out.on('close', () => res.destroy());
  });
  upstream.on('error', (err) => {
    clearTimeout(timer);
    opts.logger?.warn({ leader, url: req.url, err: err.message }, 'proxy to the leader failed');
    if (!out.headersSent) {
      out.writeHead(503, { 'content-type': 'application/json; charset=utf-8', [LEADER_HEADER]: leader });
      out.end(JSON.stringify({ message: `The leader ${leader} did not answer: ${err.message}` }));
    } else out.destroy();
  });
  req.raw.pipe(upstream);
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
