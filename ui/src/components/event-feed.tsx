import { memo } from 'react';
import { Link } from 'react-router';
import { useLive } from '../data/live.js';
import type { LiveEvent } from '../data/types.js';
import { eventSummary } from '../model/event-summary.js';

/** The newest events first; each names its object with a link where it has one. */
export function EventFeed({ filter, limit = 100 }: { filter?: (e: LiveEvent) => boolean; limit?: number }) {
  const { feed, connection } = useLive();
  const shown = (filter ? feed.filter(filter) : feed).slice(0, limit);
  if (shown.length === 0)
    return (
      <p className="empty">
        {connection === 'live'
          ? 'No events yet. Create or scale an app and its changes appear here as they happen.'
          : 'Connecting to the event stream…'}
      </p>
    );
  return (
    <ul className="feed" aria-live="polite" aria-label="Events">
      {shown.map((e) => (
        <FeedLine key={e.id + e.eventType + e.timestamp} e={e} />
      ))}
    </ul>
  );
}

/**
 * One line. The feed's event objects never change once received, so a line renders once: a
 * 150 ms batch of new events renders only the new lines, not the hundred already shown.
 */
const FeedLine = memo(function FeedLine({ e }: { e: LiveEvent }) {
  const s = eventSummary(e);
  return (
    <li data-event-id={e.id}>
      <time className="muted mono" dateTime={e.timestamp} title={e.timestamp}>
        {e.timestamp?.slice(11, 19)}
      </time>
      <span>
        <strong>{s.title}</strong> {s.appId ? <Link to={`/apps${s.appId}`}>{s.appId}</Link> : null}
        {s.run ? (
          <Link to={`/jobs/${encodeURIComponent(s.run.job)}/runs/${s.run.runId}`}>{s.run.job}</Link>
        ) : null}{' '}
        <span className="muted">{s.detail}</span>
      </span>
    </li>
  );
});
