/**
 * Comparing presented secrets (the agent token, API tokens and passwords) in constant time, so a
 * caller cannot learn a secret byte by byte from response times. Shared by the agent endpoint and
 * the API's authentication.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Hashing first gives equal-length inputs, so the length of the secret does not leak either. */
export function secretEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
