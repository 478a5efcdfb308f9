import type { Status } from '../model/status.js';

/** A state as a coloured dot and its word: colour is never the only signal. */
export function Badge({ status }: { status: Status }) {
  return (
    <span className={`badge tone-${status.tone}`} data-tone={status.tone}>
      <span className="dot" aria-hidden="true" />
      {status.word}
    </span>
  );
}
