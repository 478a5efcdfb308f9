/**
 * Marathon versions are ISO timestamps. Two changes in the same millisecond must still get
 * distinct, increasing versions, so a new version is at least 1 ms after the previous one.
 */
export function nextVersion(now: number, previous?: string): string {
  const prev = previous ? Date.parse(previous) : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now, prev + 1)).toISOString();
}
