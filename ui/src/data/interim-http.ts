// INTERIM: a fetch implementation of UiApi until src/client/ lands; replaced by client-adapter.ts.

import type { ApiProblem, App, Job, LiveEvent } from './types.js';
import type { Credentials, LogStream, UiApi } from './ui-api.js';

export class ProblemError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.message);
  }
}

const enc = encodeURIComponent;
const appPath = (id: string) => id.split('/').filter(Boolean).map(enc).join('/');

export function interimApi(base: string, creds: () => Credentials | undefined): UiApi {
  const headers = (): Record<string, string> => {
    const c = creds();
    if (!c) return {};
    return c.kind === 'token'
      ? { authorization: `Bearer ${c.secret}` }
      : { authorization: `Basic ${btoa(`${c.user ?? ''}:${c.secret}`)}` };
  };
  const call = async (method: string, path: string, body?: unknown, text = false): Promise<any> => {
    const res = await fetch(base + path, {
      method,
      headers: { ...headers(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const raw = await res.text();
    if (!res.ok) {
      let parsed: Partial<ApiProblem> = {};
      try {
        parsed = JSON.parse(raw);
      } catch {}
      throw new ProblemError({
        status: res.status,
        message: parsed.message ?? (raw || res.statusText),
        details: parsed.details ?? [],
      });
    }
    if (text) return raw;
    return raw === '' ? undefined : JSON.parse(raw);
  };
  const sched = '/v1/scheduler';
  return {
    apps: async () => (await call('GET', '/v2/apps')).apps as App[],
    app: async (id) => (await call('GET', `/v2/apps/${appPath(id)}`)).app as App,
    createApp: (d) => call('POST', '/v2/apps', d),
    updateApp: (id, d) => call('PUT', `/v2/apps/${appPath(id)}`, d),
    scaleApp: (id, n) => call('PUT', `/v2/apps/${appPath(id)}`, { instances: n }),
    restartApp: (id) => call('POST', `/v2/apps/${appPath(id)}/restart`),
    destroyApp: (id) => call('DELETE', `/v2/apps/${appPath(id)}`),
    appVersions: async (id) => (await call('GET', `/v2/apps/${appPath(id)}/versions`)).versions,
    appVersion: (id, v) => call('GET', `/v2/apps/${appPath(id)}/versions/${enc(v)}`),
    rollbackApp: (id, v) => call('PUT', `/v2/apps/${appPath(id)}`, { version: v }),
    taskLog: (t, s, tail) =>
      call('GET', `/v2/tasks/${enc(t)}/logs?stream=${s}&tail=${tail}`, undefined, true),
    killTask: (a, t) => call('DELETE', `/v2/apps/${appPath(a)}/tasks/${enc(t)}`),
    queue: async () => (await call('GET', '/v2/queue')).queue,
    resetDelay: (id) => call('DELETE', `/v2/queue/${appPath(id)}/delay`),
    deployments: () => call('GET', '/v2/deployments'),
    cancelDeployment: (id, force) =>
      call('DELETE', `/v2/deployments/${enc(id)}${force ? '?force=true' : ''}`),
    agents: async () => (await call('GET', '/v2/agents')).agents,
    drainAgent: (id) => call('POST', `/v2/agents/${enc(id)}/drain`),
    undrainAgent: (id) => call('POST', `/v2/agents/${enc(id)}/undrain`),
    jobs: () => call('GET', `${sched}/jobs`),
    saveJob: (job: Job) =>
      call('POST', `${sched}/${job.parents && job.parents.length > 0 ? 'dependency' : 'iso8601'}`, job),
    runJob: (n) => call('PUT', `${sched}/job/${enc(n)}`),
    deleteJob: (n) => call('DELETE', `${sched}/job/${enc(n)}`),
    jobRuns: (n, limit) => call('GET', `${sched}/job/${enc(n)}/runs?limit=${limit}`),
    runLog: (n, due, attempt, s: LogStream) =>
      call('GET', `${sched}/job/${enc(n)}/runs/${due}/logs?stream=${s}&attempt=${attempt}`, undefined, true),
    events(onEvent, onState) {
      let lastId: string | undefined;
      let stopped = false;
      let ctrl: AbortController | undefined;
      const loop = async () => {
        let first = true;
        while (!stopped) {
          onState(first ? 'connecting' : 'reconnecting');
          first = false;
          ctrl = new AbortController();
          try {
            const res = await fetch(`${base}/v2/events`, {
              headers: {
                accept: 'text/event-stream',
                ...headers(),
                ...(lastId ? { 'last-event-id': lastId } : {}),
              },
              signal: ctrl.signal,
            });
            if (res.status === 401) {
              onState('unauthorized');
              return;
            }
            if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
            onState('live');
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            let buf = '';
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buf += value;
              let cut = buf.indexOf('\n\n');
              while (cut >= 0) {
                const frame = buf.slice(0, cut);
                buf = buf.slice(cut + 2);
                cut = buf.indexOf('\n\n');
                let id: string | undefined;
                let data = '';
                for (const line of frame.split('\n')) {
                  if (line.startsWith('id:')) id = line.slice(3).trim();
                  else if (line.startsWith('data:')) data += line.slice(5).trim();
                }
                if (id) lastId = id;
                if (data) onEvent({ ...(JSON.parse(data) as LiveEvent), id: id ?? '' });
              }
            }
          } catch {}
          if (!stopped) await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void loop();
      return {
        close() {
          stopped = true;
          ctrl?.abort();
        },
      };
    },
  };
}
