/**
 * Which certificates a standby trusts when it proxies API calls to an https:// leader: the CA
 * bundle of `--tls-ca` when given (masters with certificates of their own, signed by one CA),
 * else its own `--tls-cert` (masters that share one certificate). Without either, Node's default
 * CAs apply.
 */
export function leaderCa(cfg: { tls?: { cert: string }; tlsCa?: string }): { ca?: string } {
  const ca = cfg.tlsCa ?? cfg.tls?.cert;
  return ca !== undefined ? { ca } : {};
}
