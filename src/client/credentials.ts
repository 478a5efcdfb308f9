/**
 * API credentials: HTTP basic (Marathon's `--http-credentials user:password`) or a bearer token.
 * Browser-safe: base64 through btoa over UTF-8 bytes, no Buffer.
 */
export type Credentials =
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'bearer'; token: string };

export function authorizationHeader(c: Credentials): string {
  if (c.kind === 'bearer') return `Bearer ${c.token}`;
  const bytes = new TextEncoder().encode(`${c.user}:${c.password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/** `user:password` (the password may contain colons); undefined when there is no user part. */
export function parseBasic(value: string): Credentials | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  return { kind: 'basic', user: value.slice(0, colon), password: value.slice(colon + 1) };
}
