/**
 * Who a master says leads (`GET /v2/leader`): `host:port`, or undefined while there is none. A
 * master that does not answer is an error, not "no leader".
 */
import { http } from './http-json.js';

export async function leaderOf(base: string, timeoutMs = 5_000): Promise<string | undefined> {
  const r = await http(`${base}/v2/leader`, { timeoutMs });
  return r.status === 200 ? (r.json as { leader: string }).leader : undefined;
}
