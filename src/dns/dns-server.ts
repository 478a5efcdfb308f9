/**
 * The master's DNS server (`--dns-port`): answers the Mesos-DNS-style names of routing/dns-records.ts
 * over UDP, from the master's current apps and tasks. The wire format is dns-packet's; nothing
 * here parses bytes by hand. Names outside `drover.` are REFUSED (this is no recursive resolver);
 * a name under it that does not exist is NXDOMAIN; one that exists without records of the asked
 * type is an empty NOERROR. A master that does not lead answers SERVFAIL, so resolvers try the
 * next one.
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';
import type { MasterApi } from '../control-plane/master-api.js';
import type { Logger } from '../platform/logger.js';
import { DNS_DOMAIN, type DnsZone, dnsZone } from '../routing/dns-records.js';

/** Short: tasks come and go; Mesos-DNS uses 60 s with a 60 s refresh, we answer live state. */
const TTL_SECONDS = 5;
const MAX_QUESTIONS = 8;
/** dns-packet reads the response code from the low bits of `flags` (RFC 1035 §4.1.1 numbers). */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export interface DnsServerOptions {
  host: string;
  port: number;
  master: Pick<MasterApi, 'listApps' | 'listAllTasks'>;
  logger: Logger;
}

export interface DnsServer {
  /** The port bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const family = opts.host.includes(':') ? 'udp6' : 'udp4';
  const socket: Socket = createSocket({ type: family });
  socket.on('message', (msg, rinfo) => {
    const reply = answer(msg, () => dnsZone(opts.master.listApps(), opts.master.listAllTasks()), opts.logger);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on('error', (err) => opts.logger.warn({ err }, 'dns socket error'));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** One query in, one response out; undefined for what is not a query at all (dropped). */
export function answer(msg: Buffer, zoneOf: () => DnsZone, logger: Logger): Buffer | undefined {
  let query: Packet;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return undefined;
  }
  if (query.type !== 'query') return undefined;
  const questions = (query.questions ?? []).slice(0, MAX_QUESTIONS);
  const base = {
    type: 'response' as const,
    id: query.id ?? 0,
    questions,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED),
  };
  let zone: DnsZone;
  try {
    zone = zoneOf();
  } catch (err) {
    logger.debug({ err }, 'dns: no state to answer from');
    return dnsPacket.encode({ ...base, flags: base.flags | RCODE.SERVFAIL });
  }
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  let rcode: keyof typeof RCODE = 'NOERROR';
  for (const q of questions) {
    const name = q.name.toLowerCase().replace(/\.$/, '');
    if (name !== DNS_DOMAIN && !name.endsWith(`.${DNS_DOMAIN}`)) {
      rcode = 'REFUSED';
      continue;
    }
    const records = zone.get(name);
    if (!records) {
      if (name !== DNS_DOMAIN) rcode = 'NXDOMAIN';
      continue;
    }
    answers.push(...recordsFor(q, name, records, zone, additionals));
  }
  return dnsPacket.encode({ ...base, flags: base.flags | RCODE[rcode], answers, additionals });
}

function recordsFor(
  q: Question,
  name: string,
  records: { a: string[]; srv: Array<{ target: string; port: number }> },
  zone: DnsZone,
  additionals: Answer[],
): Answer[] {
  const out: Answer[] = [];
  // dns-packet decodes QTYPE 255 as 'ANY', which its RecordType does not list.
  const type = q.type as string;
  const wantA = type === 'A' || type === 'ANY';
  const wantSrv = type === 'SRV' || type === 'ANY';
  if (wantA) for (const ip of records.a) out.push({ type: 'A', name, ttl: TTL_SECONDS, data: ip });
  if (wantSrv) {
    for (const s of records.srv) {
      out.push({
        type: 'SRV',
        name,
        ttl: TTL_SECONDS,
        data: { priority: 0, weight: 1, port: s.port, target: s.target },
      });
      for (const ip of zone.get(s.target)?.a ?? []) {
        if (!additionals.some((x) => x.name === s.target && x.type === 'A' && x.data === ip))
          additionals.push({ type: 'A', name: s.target, ttl: TTL_SECONDS, data: ip });
      }
    }
  }
  return out;
}
