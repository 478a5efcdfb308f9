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
