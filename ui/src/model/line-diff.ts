// A side-by-side line diff (longest common subsequence): each row has the old line, the new line,
// or both when they are equal. Definitions are a few hundred lines at most, so O(n·m) is fine.

export type DiffRow =
  | { kind: 'same'; left: string; right: string }
  | { kind: 'del'; left: string }
  | { kind: 'add'; right: string }
  | { kind: 'change'; left: string; right: string };

export function lineDiff(a: string[], b: string[]): DiffRow[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const raw: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      raw.push({ kind: 'same', left: a[i]!, right: b[j]! });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!))
      raw.push({ kind: 'add', right: b[j++]! });
    else raw.push({ kind: 'del', left: a[i++]! });
  }
  // A deletion right before an addition reads best as one changed line.
  const out: DiffRow[] = [];
  for (const row of raw) {
    const prev = out.at(-1);
    if (row.kind === 'add' && prev?.kind === 'del')
      out[out.length - 1] = { kind: 'change', left: prev.left, right: row.right };
    else out.push(row);
  }
  return out;
}

/** Pretty JSON with keys sorted and read-only fields left out: what a user changed, nothing else. */
const READ_ONLY = new Set([
  'version',
  'versionInfo',
  'tasks',
  'tasksStaged',
  'tasksRunning',
  'tasksHealthy',
  'tasksUnhealthy',
  'deployments',
  'lastTaskFailure',
  'readinessCheckResults',
  'taskStats',
]);

export function definitionLines(def: object): string[] {
  const rest = Object.fromEntries(Object.entries(def).filter(([k]) => !READ_ONLY.has(k)));
  return JSON.stringify(sortKeys(rest), null, 2).split('\n');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}
