import { relative } from '../model/time-words.js';

/** "3 min ago", with the absolute time and zone on hover. */
export function RelTime({ iso, now = Date.now() }: { iso: string | null | undefined; now?: number }) {
  if (!iso) return <span className="muted">never</span>;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return <span className="muted">–</span>;
  return (
    <time dateTime={iso} title={new Date(ms).toString()}>
      {relative(ms, now)}
    </time>
  );
}
