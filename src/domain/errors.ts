/**
 * One registry of stable error codes (DESIGN.md §5.9). The API maps `status` to HTTP; the CLI maps
 * `exitCode` to its exit status. Add a code here, never throw ad-hoc errors across a boundary.
 *
 * Exit statuses (README "CLI"): 1 generic, 2 usage, 3 not found, 4 conflict, 5 invalid input,
 * 6 unavailable / no leader / unreachable, 7 deployment failed, 8 authentication.
 */
export const ERRORS = {
  INVALID_JSON: { status: 400, exitCode: 5, message: 'Invalid JSON' },
  BAD_REQUEST: { status: 400, exitCode: 5, message: 'Bad request' },
  INVALID_DEFINITION: { status: 422, exitCode: 5, message: 'Object is not valid' },
  UNAUTHORIZED: { status: 401, exitCode: 8, message: 'Unauthorized' },
  FORBIDDEN: { status: 403, exitCode: 8, message: 'Forbidden' },
  APP_NOT_FOUND: { status: 404, exitCode: 3, message: 'App not found' },
  TASK_NOT_FOUND: { status: 404, exitCode: 3, message: 'Task not found' },
  VERSION_NOT_FOUND: { status: 404, exitCode: 3, message: 'Version not found' },
  GROUP_NOT_FOUND: { status: 404, exitCode: 3, message: 'Group not found' },
  DEPLOYMENT_NOT_FOUND: { status: 404, exitCode: 3, message: 'Deployment not found' },
  JOB_NOT_FOUND: { status: 404, exitCode: 3, message: 'Job not found' },
  NOT_FOUND: { status: 404, exitCode: 3, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, exitCode: 1, message: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, exitCode: 1, message: 'Not acceptable' },
  APP_EXISTS: { status: 409, exitCode: 4, message: 'An app with this id already exists' },
  APP_LOCKED: { status: 409, exitCode: 4, message: 'App is locked by one or more deployments' },
  CONFLICT: { status: 409, exitCode: 4, message: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, exitCode: 5, message: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exitCode: 5, message: 'Unsupported media type' },
  NOT_LEADER: { status: 503, exitCode: 6, message: 'Not the leader' },
  UNAVAILABLE: { status: 503, exitCode: 6, message: 'Service unavailable' },
  INTERNAL: { status: 500, exitCode: 1, message: 'Internal error' },
  // Command-line only (never an HTTP answer; the status is what it would be if one were sent).
  /** Wrong arguments or flags, an unreadable local file. */
  USAGE: { status: 400, exitCode: 2, message: 'Usage error' },
  /** `--wait` saw the deployment fail, be rolled back or time out. */
  DEPLOYMENT_FAILED: { status: 500, exitCode: 7, message: 'Deployment failed' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Marathon's validation detail shape: `{path, errors[]}`. */
export interface ErrorDetail {
  path: string;
  errors: string[];
}

export class DroverError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  readonly details: ErrorDetail[];
  /** More top-level fields for the response body (Marathon's 409 lists `deployments: [{id}]`). */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    details: ErrorDetail[] = [],
    extra?: Readonly<Record<string, unknown>>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'DroverError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.exitCode = ERRORS[code].exitCode;
    this.details = details;
    this.extra = extra;
  }
}

export function isDroverError(e: unknown): e is DroverError {
  return e instanceof DroverError;
}

/** A 422 in Marathon's shape from collected details. */
export function invalid(details: ErrorDetail[], message = ERRORS.INVALID_DEFINITION.message): DroverError {
  return new DroverError('INVALID_DEFINITION', message, details);
}
