/**
 * One HTTP(S) GET against a task. A fresh connection per probe (`agent: false`): no pooled socket
 * outlives the task or makes a dead endpoint look alive. HTTPS does not verify the certificate
 * (Marathon's HTTPS checks do not either: tasks serve self-signed certificates). The first
 * informational (1xx) response is the answer, so `ignoreHttp1xx` has something to ignore; Node
 * would otherwise wait for a final status that may never come.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import { type ProbeAnswer, type ProbeTarget, timeoutCause } from './prober.js';

type HttpTarget = Extract<ProbeTarget, { kind: 'http' }>;

/** A readiness response kept for the API is capped anyway (readiness-record.ts); read no more. */
const MAX_BODY_BYTES = 64 * 1024;

export function httpProbe(
  target: HttpTarget,
  opts: { timeoutMs: number; wantBody?: boolean },
): Promise<ProbeAnswer> {
  return new Promise<ProbeAnswer>((resolve) => {
    let settled = false;
    const request = target.scheme === 'https' ? httpsRequest : httpRequest;
    const req = request({
      host: target.host,
      port: target.port,
      path: target.path,
      method: 'GET',
      agent: false,
      rejectUnauthorized: false,
      headers: { 'user-agent': 'drover-health-check', accept: '*/*' },
    });
    const finish = (answer: ProbeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(answer);
    };
    const timer = setCappedTimeout(
      () => finish({ kind: 'error', cause: timeoutCause(opts.timeoutMs) }),
      opts.timeoutMs,
    );
    req.on('information', (info) =>
      finish({ kind: 'http', status: info.statusCode, statusText: info.statusMessage }),
    );
    req.on('response', (res) => {
      const head = responseHead(res);
      if (!opts.wantBody) {
        finish(head);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () =>
        finish({ ...head, body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8') }),
      );
      // A body cut short still tells the status; keep what arrived.
      res.on('error', () => finish({ ...head, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (err) => finish({ kind: 'error', cause: err.message }));
    req.end();
  });
}

function responseHead(res: IncomingMessage): Extract<ProbeAnswer, { kind: 'http' }> {
  const type = res.headers['content-type'];
  return {
    kind: 'http',
    status: res.statusCode ?? 0,
    ...(res.statusMessage ? { statusText: res.statusMessage } : {}),
    ...(type ? { contentType: type } : {}),
  };
}
