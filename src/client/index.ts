/** The browser-safe surface of the client (the web UI imports this; Node code may add node/). */

export type { ErrorDetail } from './api-error.js';
export { ApiError, codeForStatus, isApiError } from './api-error.js';
export { authorizationHeader, type Credentials, parseBasic } from './credentials.js';
export { type ClientOptions, DroverClient } from './drover-client.js';
export { EventStream, type EventStreamOptions, type ServerEvent, type StreamState } from './event-stream.js';
export { followTaskLog, newLines, windowLines } from './log-follow.js';
export type { FetchLike } from './transport.js';
export type * from './types.js';
