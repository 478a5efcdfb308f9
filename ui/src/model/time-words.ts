// Times as people read them in lists, and durations in the unit that fits.

export function relative(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  const words =
    a < 5
      ? 'just now'
      : a < 60
        ? `${a} s`
        : a < 3600
          ? `${Math.round(a / 60)} min`
          : a < 86400
            ? `${Math.round(a / 3600)} h`
            : `${Math.round(a / 86400)} d`;
  if (words === 'just now') return words;
  return future ? `in ${words}` : `${words} ago`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}
