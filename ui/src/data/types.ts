// What the UI reads from a master: the client's types (src/client/types.ts, the API's own JSON
// shapes, shared with the CLI), under the names the pages use, plus the UI's own two.

export type {
  Agent,
  App,
  Deployment,
  DeploymentAction,
  Job,
  JobInput,
  JobRunView as JobRun,
  QueueItem,
  RunAttemptView as JobAttempt,
  Task,
  TaskFailure,
} from '../../../src/client/types.js';

/** One event of /v2/events: Marathon's flat JSON with its SSE id. */
export interface LiveEvent {
  id: string;
  eventType: string;
  timestamp: string;
  [key: string]: unknown;
}

/** An API refusal: status, Marathon's message and (for 400/422) the paths that are wrong. */
export interface ApiProblem {
  status: number;
  message: string;
  details: Array<{ path: string; errors: string[] }>;
}
