/**
 * Credentials for private registries, from the agent's configuration (never from an app
 * definition: an app must not be able to read or choose them). The engine takes them per pull in
 * the `X-Registry-Auth` header: base64url of the JSON auth config.
 */
import { DEFAULT_REGISTRY } from './image-ref.js';

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
