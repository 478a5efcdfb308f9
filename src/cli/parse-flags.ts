/** Flag parsers that reject bad values with a message naming the flag, instead of NaN downstream. */
import { InvalidArgumentError } from 'commander';

export function intFlag(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
}

/** An absolute http:// or https:// URL (webhooks): anything else is refused at the command line. */
export function httpUrlFlag(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http(s) URL, got '${value}'`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    throw new InvalidArgumentError(`expected an http(s) URL, got '${value}'`);
  return value;
}
