/**
 * Where agents dial: the master serves the agent protocol on its API port at AGENT_PATH (the same
 * TLS as the API). An operator may name a master as `host:port`, as its API URL
 * (`https://host:port`) or as the endpoint itself; all become the endpoint URL.
 */
export const AGENT_PATH = '/agent/v1';

/** Undefined when `value` is not a usable master address. */
export function agentEndpointUrl(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `ws://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const scheme = { 'http:': 'ws:', 'ws:': 'ws:', 'https:': 'wss:', 'wss:': 'wss:' }[url.protocol];
  if (scheme === undefined || url.hostname === '') return undefined;
  const path = url.pathname === '/' || url.pathname === '' ? AGENT_PATH : url.pathname;
  return `${scheme}//${url.host}${path}`;
}
