/**
 * Parsers for the `drover master` / `drover agent` flags whose values have structure. Each rejects
 * a bad value with a message naming what was expected, so the CLI exits non-zero before anything
 * starts.
 */
import { InvalidArgumentError } from 'commander';
import type { Resources } from '../domain/agent.js';
import { agentEndpointUrl } from '../domain/agent-endpoint.js';

/** `--master URL[,URL...]`, repeatable; each becomes an agent endpoint URL. */
export function masterUrls(value: string, previous: string[] = []): string[] {
  const urls = value.split(',').map((part) => {
    const url = agentEndpointUrl(part);
    if (url === undefined) {
      throw new InvalidArgumentError(`expected host:port or a http(s)/ws(s) URL, got '${part}'`);
    }
    return url;
  });
  return [...previous, ...urls];
}

/** `--attribute k=v`, repeatable. */
export function attribute(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1).trim() };
}

/** `--resources cpus=2,mem=4096,disk=10000,ports=31000-32000+33000-33100` (any subset). */
export function resources(value: string): Partial<Resources> {
  const out: Partial<Resources> = {};
  for (const part of value.split(',')) {
    const [key, raw] = part.split('=').map((s) => s.trim());
    if (!key || raw === undefined || raw === '') {
      throw new InvalidArgumentError(`expected name=value pairs separated by commas, got '${part}'`);
    }
    if (key === 'ports') out.ports = portRanges(raw);
    else if (key === 'cpus' || key === 'mem' || key === 'disk') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0)
        throw new InvalidArgumentError(`${key} must be a number >= 0, got '${raw}'`);
      out[key] = n;
    } else throw new InvalidArgumentError(`unknown resource '${key}' (cpus, mem, disk, ports)`);
  }
  return out;
}

/** `31000-32000` or several joined with `+` (a comma already separates resources). */
function portRanges(raw: string): Array<[number, number]> {
  return raw.split('+').map((range) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2] ?? m?.[1]);
    if (!m || lo < 1 || hi > 65535 || lo > hi) {
      throw new InvalidArgumentError(`ports must be ranges like 31000-32000 within 1-65535, got '${range}'`);
    }
    return [lo, hi];
  });
}

/** `--api-token`, repeatable. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
