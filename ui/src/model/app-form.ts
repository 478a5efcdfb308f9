// The app form's fields and the definition they make; every field names the API path its 422
// errors come back on, so an error is shown beside the field that caused it.
import type { App } from '../data/types.js';

export interface AppFormValues {
  id: string;
  cmd: string;
  instances: string;
  cpus: string;
  mem: string;
  ports: string;
  env: string;
  labels: string;
  healthProtocol: '' | 'HTTP' | 'TCP' | 'COMMAND';
  healthPath: string;
  healthInterval: string;
}

export const FIELD_PATHS: Record<keyof AppFormValues, string> = {
  id: '/id',
  cmd: '/cmd',
  instances: '/instances',
  cpus: '/cpus',
  mem: '/mem',
  ports: '/portDefinitions',
  env: '/env',
  labels: '/labels',
  healthProtocol: '/healthChecks(0)/protocol',
  healthPath: '/healthChecks(0)/path',
  healthInterval: '/healthChecks(0)/intervalSeconds',
};

export const EMPTY_FORM: AppFormValues = {
  id: '',
  cmd: '',
  instances: '1',
  cpus: '0.1',
  mem: '32',
  ports: '1',
  env: '',
  labels: '',
  healthProtocol: '',
  healthPath: '/',
  healthInterval: '2',
};

export const APP_TEMPLATE = {
  id: '/web',
  cmd: 'node examples/http-echo.js',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  portDefinitions: [{ port: 0, name: 'http' }],
  env: { MESSAGE: 'hello' },
  labels: { team: 'web' },
  healthChecks: [
    { protocol: 'HTTP', path: '/health', portIndex: 0, intervalSeconds: 2, gracePeriodSeconds: 10 },
  ],
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
};

export function formFromApp(app: App): AppFormValues {
  const hc = (app.healthChecks?.[0] ?? undefined) as
    | { protocol?: string; path?: string; intervalSeconds?: number }
    | undefined;
  const ports = (app.portDefinitions as unknown[] | undefined)?.length ?? 0;
  return {
    id: app.id,
    cmd: app.cmd ?? '',
    instances: String(app.instances),
    cpus: String(app.cpus),
    mem: String(app.mem),
    ports: String(ports),
    env: pairs(app.env as Record<string, unknown> | undefined),
    labels: pairs(app.labels),
    healthProtocol: (hc?.protocol?.replace('MESOS_', '') as AppFormValues['healthProtocol']) ?? '',
    healthPath: hc?.path ?? '/',
    healthInterval: String(hc?.intervalSeconds ?? 2),
  };
}

/**
 * The definition to send. Numbers the user typed are sent as numbers when they parse, and as the
 * typed text otherwise, so the API (not the form) says what is wrong and where.
 */
export function appFromForm(v: AppFormValues): Record<string, unknown> {
  const def: Record<string, unknown> = {
    id: v.id.trim().startsWith('/') ? v.id.trim() : `/${v.id.trim()}`,
    instances: num(v.instances),
    cpus: num(v.cpus),
    mem: num(v.mem),
  };
  if (v.cmd.trim()) def.cmd = v.cmd;
  const ports = Number(v.ports);
  def.portDefinitions =
    Number.isInteger(ports) && ports >= 0 ? Array.from({ length: ports }, () => ({ port: 0 })) : v.ports;
  def.env = parsePairs(v.env);
  def.labels = parsePairs(v.labels);
  if (v.healthProtocol) {
    const hc: Record<string, unknown> = {
      protocol: v.healthProtocol,
      intervalSeconds: num(v.healthInterval),
      gracePeriodSeconds: 30,
    };
    if (v.healthProtocol === 'HTTP') {
      hc.path = v.healthPath || '/';
      hc.portIndex = 0;
    } else if (v.healthProtocol === 'TCP') hc.portIndex = 0;
    else hc.command = { value: v.healthPath };
    def.healthChecks = [hc];
  } else def.healthChecks = [];
  return def;
}

function num(text: string): number | string {
  const t = text.trim();
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

function pairs(o: Record<string, unknown> | undefined): string {
  return Object.entries(o ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\n|,/)) {
    const t = line.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq < 0) out[t] = '';
    else out[t.slice(0, eq).trim()] = t.slice(eq + 1);
  }
  return out;
}
