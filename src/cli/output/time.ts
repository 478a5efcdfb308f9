/** Times in tables are relative ("3m ago", "in 2h"); `show` prints them absolute, in UTC. */

export function relativeTime(iso: string | number | null | undefined, now: number): string {
  if (iso === null || iso === undefined || iso === '') return '-';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return '-';
  const d = Math.round((now - t) / 1000);
  const span = duration(Math.abs(d) * 1000);
  return d >= 0 ? `${span} ago` : `in ${span}`;
}

/** 950 ms → `950ms`, 75 s → `1m15s`, 3 h → `3h`, 2 days → `2d`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

export function absoluteTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '-';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return String(iso);
  return new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}
