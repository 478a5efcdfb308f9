/**
 * Turns a draft of the wanted root group into the target root group: every app that changed is
 * stamped with the change's version, every unchanged app stays exactly as it was (so an unchanged
 * PUT plans nothing), service ports are assigned across the whole target, and each group where
 * something changed moves to the new version, as Marathon's root group updates do.
 *
 * `lastConfigChangeAt` decides whether the deployment restarts an app (see current-config.ts):
 *   - kept on a scale-only change;
 *   - the change's version on a config change or a restart;
 *   - the stored version's own value when a stored definition comes back unchanged (rollbacks
 *     and reverted deployments), so the tasks still running it are not replaced.
 */
import type { AppDefinition, AppSpec } from '../domain/app.js';
import { isScaleOnly, sameDefinition } from '../domain/app-equality.js';
import { invalid, isDroverError } from '../domain/errors.js';
import { assignServicePorts, servicePortsOf } from '../domain/service-ports.js';
import { type GroupRecord, isWithin, type RootGroup, withAncestors } from './root-group.js';

export interface RootDraft {
  /** Every app the target has: unchanged ones as stored, changed or new ones as specs. */
  apps: ReadonlyMap<string, AppSpec | AppDefinition>;
  /** Every group the target has (versions are recomputed; missing ancestors are added). */
  groups: ReadonlyMap<string, Pick<GroupRecord, 'id' | 'dependencies'>>;
  /** Apps that get a new configuration version even when their definition is unchanged. */
  restart?: ReadonlySet<string>;
  /**
   * Apps whose draft is a stored definition brought back (rollbacks, reverts): when it comes back
   * unchanged it keeps its own configuration version.
   */
  restored?: ReadonlySet<string>;
}

export interface StampOptions {
  /** Where the request wrote an app, to prefix validation paths (`/apps(0)`); '' when the body is the app. */
  pathOf?: (id: string) => string | undefined;
}

export function stampTarget(
  original: RootGroup,
  draft: RootDraft,
  version: string,
  opts: StampOptions = {},
): RootGroup {
  const apps = stampApps(original, draft, version, opts);
  const changed = new Set<string>();
  for (const id of original.apps.keys()) if (!apps.has(id)) changed.add(id);
  for (const [id, app] of apps) if (app !== original.apps.get(id)) changed.add(id);

  const wanted = withAncestors(
    new Map([...draft.groups].map(([id, g]) => [id, { id, dependencies: g.dependencies, version }])),
    apps.keys(),
    version,
  );
  for (const id of original.groups.keys()) if (!wanted.has(id)) changed.add(id);
  for (const [id, g] of wanted) {
    const before = original.groups.get(id);
    if (!before || !sameList(before.dependencies, g.dependencies)) changed.add(id);
  }

  const groups = new Map<string, GroupRecord>();
  for (const [id, g] of wanted) {
    const touched = [...changed].some((c) => isWithin(c, id));
    const before = original.groups.get(id);
    groups.set(id, touched || !before ? { ...g, version } : before);
  }
  return { version: changed.size > 0 ? version : original.version, groups, apps };
}

function stampApps(
  original: RootGroup,
  draft: RootDraft,
  version: string,
  opts: StampOptions,
): Map<string, AppDefinition> {
  // Ports already fixed (non-zero) anywhere in the target; assignment fills zeros around them.
  // Apps the draft leaves as they are claim first, so a conflict is blamed on the app that changed.
  const held = new Map<number, string>();
  const unchanged = (app: AppSpec | AppDefinition) => original.apps.get(app.id) === app;
  const claimants = [...draft.apps.values()].sort((a, b) => Number(unchanged(b)) - Number(unchanged(a)));
  for (const app of claimants) {
    for (const p of servicePortsOf(app)) if (p !== 0 && !held.has(p)) held.set(p, app.id);
  }

  const out = new Map<string, AppDefinition>();
  for (const id of [...draft.apps.keys()].sort()) {
    const input = draft.apps.get(id)!;
    const previous = original.apps.get(id);
    const used = new Map([...held].filter(([, owner]) => owner !== id));
    const assigned = withPath(opts.pathOf?.(id), () =>
      assignServicePorts(input, { used, ...(previous ? { previous } : {}) }),
    );
    for (const p of servicePortsOf(assigned)) if (p !== 0 && !held.has(p)) held.set(p, id);

    const restart = draft.restart?.has(id) === true;
    if (previous && !restart && sameDefinition(previous, assigned)) {
      out.set(id, previous);
      continue;
    }
    const stored = draft.restored?.has(id) ? (input as Partial<AppDefinition>).versionInfo : undefined;
    out.set(id, stamp(assigned, version, configVersion(assigned, input, previous, version, restart, stored)));
  }
  return out;
}

function configVersion(
  assigned: AppSpec,
  input: AppSpec | AppDefinition,
  previous: AppDefinition | undefined,
  version: string,
  restart: boolean,
  stored: AppDefinition['versionInfo'] | undefined,
): string {
  if (restart) return version;
  if (previous && isScaleOnly(previous, assigned)) return previous.versionInfo.lastConfigChangeAt;
  if (stored && sameDefinition({ ...input, instances: 0 }, { ...assigned, instances: 0 })) {
    return stored.lastConfigChangeAt;
  }
  return version;
}

function stamp(spec: AppSpec, version: string, lastConfigChangeAt: string): AppDefinition {
  const { version: _v, versionInfo: _vi, ...rest } = spec as AppDefinition;
  return { ...rest, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt } };
}

/** Re-roots the paths of a 422 thrown for one app to where the request wrote it. */
function withPath<T>(prefix: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!prefix || !isDroverError(err) || err.status !== 422) throw err;
    throw invalid(
      err.details.map((d) => ({ path: d.path === '/' ? prefix : prefix + d.path, errors: d.errors })),
    );
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
