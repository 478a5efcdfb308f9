/**
 * Drover's own version, as package.json says: the one place it is written. The file is two levels
 * up from both src/platform/ (tsx) and dist/platform/ (the build), and npm always packs it. Read
 * on first use, not at import time.
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function droverVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return version;
}
