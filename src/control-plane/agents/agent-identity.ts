/**
 * Whether a registering agent may use the id it claims. An id names one machine: a claim from a
 * different hostname or address than the one we know is refused, as Mesos refuses an agent whose
 * identity changed (wipe its work dir to join as a new agent). The same machine re-registering
 * while its old connection still looks open is its own reconnect, and replaces that connection.
 *
 * Every agent holds the same cluster token, so this cannot stop a malicious holder of the token
 * who copies another agent's hostname and address too; it stops a copied work dir, a
 * misconfigured agent, or a crude impersonation from taking over another agent's tasks.
 */
import type { AgentInfo } from '../../domain/agent.js';

export interface IdentityClaim {
  agentId?: string;
  hostname: string;
  address: string;
}

/** A refusal reason, or undefined when the claim is acceptable. */
export function identityConflict(claim: IdentityClaim, known: AgentInfo | undefined): string | undefined {
  if (claim.agentId === undefined || known === undefined) return undefined;
  if (known.hostname === claim.hostname && known.address === claim.address) return undefined;
  return (
    `agent id ${claim.agentId} belongs to ${known.hostname} (${known.address}), ` +
    `not ${claim.hostname} (${claim.address})`
  );
}
