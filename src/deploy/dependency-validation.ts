/**
 * Dependencies a change may not introduce: ids that name neither an app nor a group, and cycles
 * (Marathon: "Dependency graph has cyclic dependencies."; we also say which ids form the cycle).
 * Only entities the request wrote are blamed for unknown ids, so deleting an app others name does
 * not make an unrelated request fail; a cycle is always refused, at a field the request wrote.
 */
import type { ErrorDetail } from '../domain/errors.js';
import { type DependencyEdge, dependencyGraph, findCycle } from './dependency-graph.js';
import type { RootGroup } from './root-group.js';

export const DEPENDENCY_MESSAGES = {
  unknown: (id: string) => `Dependency ${id} does not exist: no app or group has this id`,
  cycle: (ids: string[]) => `Dependency graph has cyclic dependencies: ${ids.join(' -> ')}`,
} as const;

/**
 * @param pathOf where the request wrote an app or group (`''` for the body itself, `/apps(0)`,
 *   `/groups(1)/apps(0)`); undefined for entities the request did not write.
 */
export function dependencyIssues(root: RootGroup, pathOf: (id: string) => string | undefined): ErrorDetail[] {
  const graph = dependencyGraph(root);
  const byPath = new Map<string, string[]>();
  const add = (path: string, error: string) => byPath.set(path, [...(byPath.get(path) ?? []), error]);

  for (const u of graph.unknown) {
    const prefix = pathOf(u.declaredBy);
    if (prefix !== undefined)
      add(`${prefix}/dependencies(${u.index})`, DEPENDENCY_MESSAGES.unknown(u.dependency));
  }

  const cycle = findCycle(graph);
  if (cycle) add(cyclePath(cycle, pathOf), DEPENDENCY_MESSAGES.cycle(cycleIds(cycle)));
  return [...byPath].map(([path, errors]) => ({ path, errors }));
}

function cycleIds(cycle: DependencyEdge[]): string[] {
  return [...cycle.map((e) => e.from), cycle.at(-1)?.to ?? ''];
}

function cyclePath(cycle: DependencyEdge[], pathOf: (id: string) => string | undefined): string {
  for (const e of cycle) {
    const prefix = pathOf(e.declaredBy);
    if (prefix !== undefined) return `${prefix}/dependencies(${e.index})`;
  }
  return '/';
}
