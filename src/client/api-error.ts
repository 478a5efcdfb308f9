/**
 * The one error the client throws: what the API answered (status, `message`, Marathon's
 * `details: [{path, errors}]`) or why it could not be asked. `code` names the class of failure in
 * the domain error registry, so the CLI's exit status comes from the same table as the API's
 * HTTP status (DESIGN.md §5.9).
 */
import { ERRORS, type ErrorCode, type ErrorDetail } from '../domain/errors.js';

export type { ErrorDetail };

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** The whole error body (Marathon's 409 adds `deployments: [{id}]`). */
  readonly body: unknown;

  constructor(opts: {
    status: number;
    code: ErrorCode;
    message: string;
    details?: ErrorDetail[];
    body?: unknown;
  }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.details = opts.details ?? [];
    this.body = opts.body;
  }

  /** The CLI's exit status for this error (1 generic ... 8 auth, see the registry). */
  get exitCode(): number {
    return ERRORS[this.code].exitCode;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The registry code for an HTTP answer: the API maps codes to statuses, this maps them back. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'INVALID_DEFINITION';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

/** An error answer's body into an ApiError; bodies that are not Marathon's shape keep their text. */
export function errorFromResponse(status: number, statusText: string, text: string): ApiError {
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): the text itself is the message.
  }
  const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message =
    typeof obj.message === 'string' && obj.message !== ''
      ? obj.message
      : typeof body === 'string' && body.trim() !== ''
        ? body.trim().slice(0, 500)
        : `${status} ${statusText}`.trim();
  const details = Array.isArray(obj.details) ? obj.details.filter(isDetail) : [];
  return new ApiError({ status, code: codeForStatus(status), message, details, body });
}

function isDetail(d: unknown): d is ErrorDetail {
  const o = d as Partial<ErrorDetail> | null;
  return typeof o?.path === 'string' && Array.isArray(o.errors);
}
