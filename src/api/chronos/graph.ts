/**
 * The dependency graph as Chronos exported it: `/graph/dot` (jgrapht's DOT, vertices numbered
 * from 1 and labelled with the job name) and `/graph/csv` (`node,<name>,<lastState>,<state>` per
 * job, then `link,<parent>,<child>` per edge).
 */
import type { JobDefinition } from '../../domain/job.js';

export function dotGraph(jobs: readonly JobDefinition[]): string {
  const ids = new Map(jobs.map((j, i) => [j.name, i + 1]));
  const lines = ['digraph G {'];
  for (const j of jobs) lines.push(`  ${ids.get(j.name)} [ label="${j.name}" ];`);
  for (const j of jobs)
    for (const p of j.parents) if (ids.has(p)) lines.push(`  ${ids.get(p)} -> ${ids.get(j.name)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function csvGraph(
  jobs: readonly JobDefinition[],
  lastState: (j: JobDefinition) => string,
  state: (j: JobDefinition) => string,
): string {
  const lines = jobs.map((j) => `node,${j.name},${lastState(j)},${state(j)}`);
  for (const j of jobs) for (const p of j.parents) lines.push(`link,${p},${j.name}`);
  return lines.map((l) => `${l}\n`).join('');
}
