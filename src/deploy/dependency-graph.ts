/**
 * Which app waits for which. An app's `dependencies` and those of every group it sits in name apps
 * or groups; a group stands for every app below it (Marathon's Group.applicationDependencies, which
 * also honours a group naming an app). Edges remember who declared them, so a cycle or an unknown
 * id can be reported at the field the client wrote.
 */
import { ancestorsOf, appsWithin, type RootGroup } from './root-group.js';

export interface DependencyEdge {
  from: string;
  to: string;
  /** The app or group whose `dependencies` produced this edge, and the entry's index there. */
  declaredBy: string;
  index: number;
}

export interface UnknownDependency {
  declaredBy: string;
  index: number;
  dependency: string;
}

export interface DependencyGraph {
  /** App id -> the edges leaving it (apps it waits for). */
  edges: Map<string, DependencyEdge[]>;
  unknown: UnknownDependency[];
}

export function dependencyGraph(root: RootGroup): DependencyGraph {
  const edges = new Map<string, DependencyEdge[]>();
  const unknown: UnknownDependency[] = [];
  const targetsCache = new Map<string, string[] | undefined>();
  const targets = (dep: string): string[] | undefined => {
    if (!targetsCache.has(dep)) {
      const found = root.apps.has(dep)
        ? [dep]
        : root.groups.has(dep)
          ? appsWithin(root, dep).map((a) => a.id)
          : undefined;
      targetsCache.set(dep, found);
    }
    return targetsCache.get(dep);
  };
  const declared = (declaredBy: string, deps: readonly string[], check: boolean) =>
    deps.flatMap((dependency, index) => {
      const to = targets(dependency);
      if (to === undefined) {
        if (check) unknown.push({ declaredBy, index, dependency });
        return [];
      }
      return to.map((t) => ({ to: t, declaredBy, index }));
    });

  // Each group's declared targets are resolved once, then shared by every app below it.
  const groupTargets = new Map<string, Array<{ to: string; declaredBy: string; index: number }>>();
  for (const g of root.groups.values()) groupTargets.set(g.id, declared(g.id, g.dependencies, true));

  for (const app of root.apps.values()) {
    const out: DependencyEdge[] = [];
    const seen = new Set<string>();
    const add = (e: { to: string; declaredBy: string; index: number }) => {
      if (seen.has(e.to)) return;
      seen.add(e.to);
      out.push({ from: app.id, ...e });
    };
    for (const e of declared(app.id, app.dependencies, true)) add(e);
    for (const g of ancestorsOf(app.id)) for (const e of groupTargets.get(g) ?? []) add(e);
    edges.set(app.id, out);
  }
  return { edges, unknown };
}

/** One cycle as the edges that form it (`a -> b -> a`), or undefined when there is none. */
export function findCycle(graph: DependencyGraph): DependencyEdge[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: DependencyEdge[] = [];
  const visit = (id: string): DependencyEdge[] | undefined => {
    state.set(id, 'open');
    for (const e of graph.edges.get(id) ?? []) {
      const s = state.get(e.to);
      if (s === 'open') {
        const start = path.findIndex((p) => p.from === e.to);
        return [...(start >= 0 ? path.slice(start) : []), e];
      }
      if (s === 'done') continue;
      path.push(e);
      const found = visit(e.to);
      if (found) return found;
      path.pop();
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...graph.edges.keys()].sort()) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/**
 * The length of the longest dependency chain below each app (0: depends on nothing). Apps of one
 * level never wait for each other, so a level is one deployment step (Marathon's
 * runSpecsGroupedByLongestPath). The graph must be acyclic.
 */
export function dependencyLevels(graph: DependencyGraph): Map<string, number> {
  const levels = new Map<string, number>();
  const visiting = new Set<string>();
  const level = (id: string): number => {
    const known = levels.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`dependency cycle through ${id}`);
    visiting.add(id);
    let l = 0;
    for (const e of graph.edges.get(id) ?? []) if (e.to !== id) l = Math.max(l, level(e.to) + 1);
    visiting.delete(id);
    levels.set(id, l);
    return l;
  };
  for (const id of graph.edges.keys()) level(id);
  return levels;
}
