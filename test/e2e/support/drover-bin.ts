/**
 * How tests and benches start drover: the built `bin/drover.js` with the node flags its shebang
 * asks for, so a measured process is the one `npx drover` runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(repoRoot, 'bin', 'drover.js');

/** `#!/usr/bin/env -S node --flag ...` -> ['--flag', ...]. */
export const NODE_FLAGS: string[] = (readFileSync(BIN, 'utf8').split('\n')[0] ?? '')
  .split(/\s+/)
  .filter((t) => t.startsWith('--'));

/**
 * argv for spawn(process.execPath, ...) running drover with `args`. `extraNodeFlags` come after
 * the shebang's, so they win where both set one (node takes the last `--max-semi-space-size`).
 */
export function droverArgv(args: string[], extraNodeFlags: string[] = []): string[] {
  return [...NODE_FLAGS, ...extraNodeFlags, BIN, ...args];
}
