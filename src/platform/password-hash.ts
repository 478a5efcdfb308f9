/**
 * Password and token hashes for `--auth-file` (api/auth-file.ts) and `drover hash-password`.
 *
 * - Passwords: scrypt (node:crypto), written `scrypt:N:r:p:<salt base64>:<hash base64>`. scrypt is
 *   slow on purpose, so a stolen auth file does not give the passwords back cheaply.
 * - Tokens: `sha256:<hex>`. A token is long and random (generate one with `openssl rand -hex 32`),
 *   so a fast hash is enough, and checking one costs nothing per request.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt } from 'node:crypto';
import { secretEquals } from './secret-compare.js';

const DEFAULT = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...opts, maxmem: 256 * opts.N! * opts.r! }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, DEFAULT);
  return `scrypt:${DEFAULT.N}:${DEFAULT.r}:${DEFAULT.p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

/** Why a stored hash cannot be used, or undefined when it is well formed. */
export function passwordHashProblem(stored: string): string | undefined {
  const parts = stored.split(':');
  if (parts[0] !== 'scrypt' || parts.length !== 6) return 'expected scrypt:N:r:p:salt:hash';
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (!Number.isInteger(n) || n! < 2 || (n! & (n! - 1)) !== 0 || n! > 1_048_576)
    return 'N must be a power of two up to 1048576';
  if (!Number.isInteger(r) || r! < 1 || r! > 32 || !Number.isInteger(p) || p! < 1 || p! > 16)
    return 'r must be 1-32 and p 1-16';
  if (Buffer.from(parts[5]!, 'base64').length < 16) return 'the hash is too short';
  return undefined;
}

export function tokenHashProblem(stored: string): string | undefined {
  return /^sha256:[0-9a-f]{64}$/.test(stored) ? undefined : 'expected sha256:<64 hex digits>';
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (passwordHashProblem(stored) !== undefined) return false;
  const [, n, r, p, salt, hash] = stored.split(':');
  const expected = Buffer.from(hash!, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt!, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && secretEquals(key.toString('base64'), expected.toString('base64'));
}

export function verifyToken(token: string, stored: string): boolean {
  return secretEquals(hashToken(token), stored);
}
