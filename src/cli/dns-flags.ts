/** `--dns-port [host:]port|off` for `drover up` and `drover master` (the DNS server, src/dns/). */
import { type Command, InvalidArgumentError } from 'commander';

export interface DnsListen {
  host: string;
  port: number;
}

export function dnsListenFlag(value: string): DnsListen | 'off' {
  if (value === 'off') return 'off';
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new InvalidArgumentError(`expected [host:]port or off, got '${value}'`);
  }
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

export function addDnsOption(cmd: Command, byDefault: DnsListen | 'off'): Command {
  const shown = byDefault === 'off' ? 'off' : `${byDefault.host}:${byDefault.port}`;
  return cmd.option(
    '--dns-port <[host:]port|off>',
    `answer <app>.<group>.marathon.drover (A) and _<app>._tcp... (SRV) over UDP here (default ${shown})`,
    dnsListenFlag,
    byDefault,
  );
}
