/**
 * Credentials for private registries, from the agent's configuration (never from an app
 * definition: an app must not be able to read or choose them). The engine takes them per pull in
 * the `X-Registry-Auth` header: base64url of the JSON auth config.
 */
import { DEFAULT_REGISTRY } from '../../../domain/image-ref.js';

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth identity token instead of username/password. */
  identitytoken?: string;
}

/** Keyed by registry host as it appears in image names (`127.0.0.1:5000`, `docker.io`). */
export type RegistryAuthConfig = Record<string, RegistryCredential>;

/** Docker Hub is spelled several ways in configs; images always resolve to DEFAULT_REGISTRY. */
const HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/'];

export function credentialFor(config: RegistryAuthConfig, registry: string): RegistryCredential | undefined {
  if (config[registry]) return config[registry];
  if (registry === DEFAULT_REGISTRY) {
    for (const alias of HUB_ALIASES) if (config[alias]) return config[alias];
  }
  return undefined;
}

/** The `X-Registry-Auth` header value for one pull. */
export function registryAuthHeader(registry: string, cred: RegistryCredential): string {
  const json = JSON.stringify({ ...cred, serveraddress: registry });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads the agent's registry credentials file: either Drover's own shape
 * (`{"127.0.0.1:5000": {"username": "...", "password": "..."}}`) or a docker CLI `config.json`
 * (`{"auths": {"host": {"auth": base64("user:password")}}}`), so an existing login can be reused.
 */
export function parseRegistryAuthConfig(text: string): RegistryAuthConfig {
  const v = JSON.parse(text) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('registry auth: not a JSON object');
  const entries = 'auths' in v ? (v as { auths: unknown }).auths : v;
  if (typeof entries !== 'object' || entries === null)
    throw new Error('registry auth: "auths" is not an object');
  const out: RegistryAuthConfig = {};
  for (const [host, raw] of Object.entries(entries as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null)
      throw new Error(`registry auth: entry for ${host} is not an object`);
    const e = raw as Record<string, unknown>;
    const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
    const cred: RegistryCredential = {};
    const auth = str('auth');
    if (auth !== undefined) {
      const decoded = Buffer.from(auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error(`registry auth: "auth" for ${host} is not base64 of user:password`);
      cred.username = decoded.slice(0, colon);
      cred.password = decoded.slice(colon + 1);
    }
    const username = str('username');
    const password = str('password');
    const identitytoken = str('identitytoken');
    if (username !== undefined) cred.username = username;
    if (password !== undefined) cred.password = password;
    if (identitytoken !== undefined) cred.identitytoken = identitytoken;
    if (cred.username === undefined && cred.identitytoken === undefined) {
      throw new Error(`registry auth: entry for ${host} has neither username nor identitytoken`);
    }
    out[host.replace(/^https?:\/\//, '').replace(/\/.*$/, '')] = cred;
  }
  return out;
}
