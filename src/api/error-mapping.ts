/**
 * The one place errors become HTTP responses (DESIGN.md §5.9). Marathon's clients read `message`
 * (python3-marathon puts it in the exception) and, for validation failures, `details`.
 */
import type { FastifyError } from 'fastify';
import { DroverError, ERRORS, type ErrorDetail, isDroverError } from '../domain/errors.js';

export interface ErrorBody {
  message: string;
  details?: ErrorDetail[];
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** True when the cause is ours, not the client's: log it with its stack. */
  unexpected: boolean;
}

const GENERIC_500 = 'An unexpected server error occurred';

export function mapError(err: unknown, bodyLimit: number): MappedError {
  if (isDroverError(err)) return fromDrover(err);
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client(413, `${ERRORS.PAYLOAD_TOO_LARGE.message} (limit ${bodyLimit} bytes)`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return client(415, 'Unsupported media type: send the body as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return client(400, 'Request body size did not match Content-Length');
  }
  // Other Fastify client errors (bad URL encoding, aborted bodies...) keep their 4xx status.
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) return client(status, fe.message || 'Bad request');
  return { status: 500, body: { message: GENERIC_500 }, unexpected: true };
}

function fromDrover(err: DroverError): MappedError {
  // Marathon only sends `details` with validation failures (422, and 400 for unparseable JSON).
  const withDetails = err.status === 422 || err.details.length > 0;
  const body: ErrorBody = withDetails
    ? { message: err.message, details: err.details }
    : { message: err.message };
  if (err.extra) Object.assign(body, err.extra, { message: body.message });
  return { status: err.status, body, unexpected: err.status >= 500 && err.code === 'INTERNAL' };
}

function client(status: number, message: string): MappedError {
  return { status, body: { message }, unexpected: false };
}

/** A 404 for routes that do not exist, in the same shape as every other error. */
export function routeNotFound(method: string, url: string): DroverError {
  return new DroverError('NOT_FOUND', `No route for ${method} ${url.split('?')[0]}`);
}
