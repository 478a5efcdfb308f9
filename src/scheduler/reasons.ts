/**
 * Why an agent cannot take a request. The names are Marathon's offer-reject reasons
 * (NoOfferMatchReason, shown in /v2/queue as rejectSummary) where one fits; the rest are Drover's.
 */
export const Reason = {
  InsufficientCpus: 'InsufficientCpus',
  InsufficientMemory: 'InsufficientMemory',
  InsufficientDisk: 'InsufficientDisk',
  InsufficientPorts: 'InsufficientPorts',
  UnfulfilledConstraint: 'UnfulfilledConstraint',
  /** Marathon's name for an agent it will not use (gone, unreachable); here: draining or disconnected. */
  AgentUnavailable: 'AgentUnavailable',
  /** Drover: the request needs a Docker engine and the agent has none. */
  NoDockerCapability: 'NoDockerCapability',
  /** Drover: the request wants a privileged container and the agent does not allow them. */
  NoPrivilegedCapability: 'NoPrivilegedCapability',
} as const;

export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/** `UnfulfilledConstraint: hostname UNIQUE`: the code plus the constraint, so users see which one. */
export function constraintReason(text: string): string {
  return `${Reason.UnfulfilledConstraint}: ${text}`;
}

/** The code of a reason string, for counting reasons the way Marathon's rejectSummary does. */
export function reasonCode(reason: string): string {
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}
