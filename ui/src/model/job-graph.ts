// The jobs connected to one job through `parents` (ancestors, descendants, and theirs), as nodes
// and parent -> child edges, ready for a layout.
import type { Job } from '../data/types.js';

export interface JobGraph {
  nodes: Job[];
  edges: Array<{ from: string; to: string }>;
}

export function connectedJobs(jobs: readonly Job[], start: string | undefined): JobGraph {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const children = new Map<string, string[]>();
  for (const j of jobs)
    for (const p of j.parents ?? []) children.set(p, [...(children.get(p) ?? []), j.name]);
  const picked = new Set<string>();
  if (start === undefined) for (const j of jobs) picked.add(j.name);
  else {
    const todo = [start];
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (picked.has(n) || !byName.has(n)) continue;
      picked.add(n);
      todo.push(...(byName.get(n)?.parents ?? []), ...(children.get(n) ?? []));
    }
  }
  const nodes = [...picked].map((n) => byName.get(n)!).sort((a, b) => (a.name < b.name ? -1 : 1));
  const edges = nodes.flatMap((j) =>
    (j.parents ?? []).filter((p) => picked.has(p)).map((p) => ({ from: p, to: j.name })),
  );
  return { nodes, edges };
}
