/**
 * Mesos-DNS-style names for apps and jobs, answered by the master's DNS server (dns/). Pure:
 * apps and tasks in, the zone out.
 *
 *   <app>.<group...>.marathon.drover          A    each running task's host (IPv4)
 *   _<app>._tcp.<group...>.marathon.drover    SRV  one per running task and TCP port, target below
 *   <task>.<app>.<group...>.marathon.drover   A    that task's host (the SRV targets)
 *   <job>.chronos.drover, _<job>._tcp.chronos.drover: the same for a job's running runs
 *
 * `/prod/web` is `web.prod.marathon.drover` (Mesos-DNS's order: the app first). A task is listed
 * while TASK_RUNNING and not being killed, as Mesos-DNS lists running tasks; health is the
 * router's business. Hosts that are not IPv4 addresses have no A record.
 */
import type { AppDefinition } from '../domain/app.js';
import type { TaskRecord } from '../domain/task.js';

export const DNS_DOMAIN = 'drover';

export interface SrvRecord {
  target: string;
  port: number;
}

export interface DnsNameRecords {
  a: string[];
  srv: SrvRecord[];
}

/** Lower-case names without the trailing dot -> their records. */
export type DnsZone = Map<string, DnsNameRecords>;

export type DnsApp = Pick<AppDefinition, 'id' | 'portDefinitions' | 'container'>;
export type DnsTask = Pick<
  TaskRecord,
  'id' | 'appId' | 'host' | 'ports' | 'state' | 'killRequestedAt' | 'jobRun'
>;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** A DNS label from any text: lower case, [a-z0-9-], at most 63 characters, never empty. */
export function dnsLabel(text: string): string {
  const l = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return l === '' ? 'x' : l;
}

/** `/prod/web` -> `web.prod` (app first, then its groups inside out). */
export function appDnsBase(appId: string): string {
  return appId
    .split('/')
    .filter((s) => s !== '')
    .reverse()
    .join('.')
    .toLowerCase();
}

export function dnsZone(apps: Iterable<DnsApp>, tasks: Iterable<DnsTask>): DnsZone {
  const zone: DnsZone = new Map();
  const at = (name: string): DnsNameRecords => {
    let r = zone.get(name);
    if (!r) {
      r = { a: [], srv: [] };
      zone.set(name, r);
    }
    return r;
  };
  const tcpPorts = new Map<string, number[]>();
  for (const app of apps) {
    const mappings = app.container?.portMappings;
    const protocols = mappings ? mappings.map((m) => m.protocol) : app.portDefinitions.map((d) => d.protocol);
    tcpPorts.set(
      app.id,
      protocols.flatMap((p, i) => (p.split(',').includes('tcp') ? [i] : [])),
    );
    // An app with no running task still has its name (NODATA rather than NXDOMAIN).
    at(`${appDnsBase(app.id)}.marathon.${DNS_DOMAIN}`);
  }
  const sorted = [...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const t of sorted) {
    if (t.state !== 'TASK_RUNNING' || t.killRequestedAt !== undefined) continue;
    let base: string;
    let service: string;
    let indexes: number[];
    if (t.jobRun !== undefined) {
      base = `${dnsLabel(t.jobRun.job)}.chronos.${DNS_DOMAIN}`;
      service = `_${dnsLabel(t.jobRun.job)}._tcp.chronos.${DNS_DOMAIN}`;
      indexes = t.ports.map((_, i) => i);
    } else {
      const ports = tcpPorts.get(t.appId);
      if (!ports) continue;
      const [app, ...groups] = appDnsBase(t.appId).split('.');
      base = `${appDnsBase(t.appId)}.marathon.${DNS_DOMAIN}`;
      service = [`_${app}`, '_tcp', ...groups, 'marathon', DNS_DOMAIN].join('.');
      indexes = ports;
    }
    const target = `${dnsLabel(t.id)}.${base}`;
    const ipv4 = IPV4.test(t.host);
    if (ipv4) {
      const r = at(base);
      if (!r.a.includes(t.host)) r.a.push(t.host);
      at(target).a.push(t.host);
    }
    for (const i of indexes) {
      const port = t.ports[i];
      if (port !== undefined && port > 0) at(service).srv.push({ target, port });
    }
  }
  return zone;
}
