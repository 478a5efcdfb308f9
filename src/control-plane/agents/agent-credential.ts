/**
 * Each agent's own credential: a random secret the master issues at the agent's first registration
 * and keeps only as a hash (store: agent_credentials). A later registration under that id must
 * present the secret, so the cluster token alone (which every agent holds) cannot take over a
 * registered agent and receive its launches and their environment. The agent keeps the secret in
 * a 0600 file beside its id (agent/agent-id-file.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { secretEquals } from '../../platform/secret-compare.js';

/** 256 random bits, hex: unguessable, and safe in a file or a JSON frame. */
export function mintAgentSecret(): string {
  return randomBytes(32).toString('hex');
}

/** A fast hash is enough: the secret is random, not a password anyone could guess. */
export function hashAgentSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex')}`;
}

export function agentSecretMatches(presented: string | undefined, storedHash: string): boolean {
  if (presented === undefined) return false;
  return secretEquals(hashAgentSecret(presented), storedHash);
}
