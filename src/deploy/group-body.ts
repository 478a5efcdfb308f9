/**
 * A Marathon group body (types/group.raml GroupUpdate) read into ids and raw app bodies, with
 * every problem collected into one 422 in Marathon's paths (`/groups(0)/apps(1)/id`). Ids are
 * resolved as Marathon's GroupUpdate does: a subgroup's id and an app's id relative to the group
 * that holds it (and must name a direct child of it), a group's dependencies relative to the group
 * itself. The apps themselves are parsed by the caller, who knows whether they are whole
 * definitions (POST/PUT) or patches (PATCH).
 */

import Type, { type Static } from 'typebox';
import { stripNulls } from '../domain/absent-fields.js';
import { resolveAppId } from '../domain/app-id.js';
import { invalid } from '../domain/errors.js';
import { MAX_SCALE_BY } from '../domain/limits.js';
import { addSchemaIssues } from '../domain/schema-issues.js';
import { at, Issues } from '../domain/validation-issues.js';
import { isWithin, parentOf, ROOT_ID } from './root-group.js';

export const GROUP_MESSAGES = {
  notChild: (id: string, parent: string) =>
    `identifier ${id} is not child of ${parent}. Hint: use relative paths.`,
  clash: (ids: string[]) => `Groups and Applications may not have the same identifier: ${ids.join(', ')}`,
  duplicate: (id: string) => `${id} appears more than once`,
} as const;

const opt = Type.Optional;
export const GroupBodySchema = Type.Object(
  {
    id: opt(Type.String()),
    apps: opt(Type.Array(Type.Unknown())),
    groups: opt(Type.Array(Type.Unknown())),
    dependencies: opt(Type.Array(Type.String())),
    version: opt(Type.String()),
    scaleBy: opt(Type.Number({ minimum: 0, maximum: MAX_SCALE_BY })),
    // Read-only or unsupported fields a GET returns or clients send: accepted, ignored.
    pods: opt(Type.Array(Type.Unknown())),
    enforceRole: opt(Type.Boolean()),
  },
  { additionalProperties: false },
);

export interface AppBody {
  /** Absolute id the body resolves to (undefined when its id is missing or invalid). */
  id: string | undefined;
  body: Record<string, unknown>;
  /** Where it sits in the request: `/apps(0)`, `/groups(1)/apps(0)`. */
  path: string;
}

export interface GroupBody {
  id: string;
  /** '' for the request body itself, else `/groups(0)`... */
  path: string;
  dependencies?: string[];
  apps?: AppBody[];
  groups?: GroupBody[];
  version?: string;
  scaleBy?: number;
}

/**
 * @param id the group the body is for. With `idFromBody`, the body's `id` names it instead,
 *   resolved against `id` (POST /v2/groups[/{base}]), and is required.
 */
export function parseGroupBody(raw: unknown, id: string, opts: { idFromBody?: boolean } = {}): GroupBody {
  const issues = new Issues();
  const body = stripNulls(raw);
  let groupId = id;
  if (opts.idFromBody) {
    const given = isObject(body) ? body.id : undefined;
    if (typeof given !== 'string') issues.add('/id', 'error.path.missing');
    else groupId = resolveDescendant(given, id, issues) ?? id;
  }
  const parsed = readGroup(body, groupId, '', issues);
  if (issues.size > 0) throw invalid(issues.details());
  return parsed;
}

function readGroup(raw: unknown, id: string, path: string, issues: Issues): GroupBody {
  const local = new Issues(path);
  const wellTyped = addSchemaIssues(GroupBodySchema, raw, local);
  for (const d of local.details()) for (const e of d.errors) issues.add(d.path, e);
  const out: GroupBody = { id, path };
  if (!wellTyped || !isObject(raw)) return out;
  const value = raw as Static<typeof GroupBodySchema>;

  if (value.dependencies) {
    out.dependencies = value.dependencies.flatMap((dep, i) => {
      const r = resolveAppId(dep, id);
      if (r.ok) return [r.id];
      for (const e of r.errors) issues.add(`${path}${at('/dependencies', i)}`, e);
      return [];
    });
  }
  if (typeof value.version === 'string') out.version = value.version;
  if (typeof value.scaleBy === 'number') out.scaleBy = value.scaleBy;

  // Apps and groups are counted apart: an id used by both gets the clash message below.
  const claimer = () => {
    const seen = new Set<string>();
    return (childId: string | undefined, where: string) => {
      if (childId === undefined) return;
      if (seen.has(childId)) issues.add(where, GROUP_MESSAGES.duplicate(childId));
      seen.add(childId);
    };
  };

  if (Array.isArray(value.apps)) {
    const claim = claimer();
    out.apps = value.apps.map((app, i) => {
      const where = `${path}${at('/apps', i)}`;
      if (!isObject(app)) {
        issues.add(where, 'error.expected.jsobject');
        return { id: undefined, body: {}, path: where };
      }
      const appId =
        typeof app.id === 'string' ? resolveGroupId(app.id, id, `${where}/id`, issues) : undefined;
      if (typeof app.id !== 'string') issues.add(`${where}/id`, 'error.path.missing');
      claim(appId, `${where}/id`);
      return { id: appId, body: app, path: where };
    });
  }
  const appIds = new Set(out.apps?.flatMap((a) => (a.id ? [a.id] : [])));

  if (Array.isArray(value.groups)) {
    const claim = claimer();
    const clashes: string[] = [];
    out.groups = value.groups.flatMap((g, i) => {
      const where = `${path}${at('/groups', i)}`;
      if (!isObject(g) || typeof g.id !== 'string') {
        issues.add(
          isObject(g) ? `${where}/id` : where,
          isObject(g) ? 'error.path.missing' : 'error.expected.jsobject',
        );
        return [];
      }
      const childId = resolveGroupId(g.id, id, `${where}/id`, issues);
      if (childId === undefined) return [];
      claim(childId, `${where}/id`);
      if (appIds.has(childId)) clashes.push(childId);
      return [readGroup(g, childId, where, issues)];
    });
    if (clashes.length > 0) issues.add(path || '/', GROUP_MESSAGES.clash(clashes));
  }
  return out;
}

/** The id a POST names: relative to the group posted to, anywhere below it. */
function resolveDescendant(raw: string, base: string, issues: Issues): string | undefined {
  if (raw === ROOT_ID) return ROOT_ID;
  const r = resolveAppId(raw, base);
  if (!r.ok) {
    for (const e of r.errors) issues.add('/id', e);
    return undefined;
  }
  if (!isWithin(r.id, base)) return notChild(r.id, base, '/id', issues);
  return r.id;
}

/** A child id relative to its parent group; it must be a direct child, as Marathon requires. */
function resolveGroupId(raw: string, parent: string, where: string, issues: Issues): string | undefined {
  if (raw === ROOT_ID || raw === '')
    return parent === ROOT_ID ? ROOT_ID : notChild(raw, parent, where, issues);
  const r = resolveAppId(raw, parent);
  if (!r.ok) {
    for (const e of r.errors) issues.add(where, e);
    return undefined;
  }
  return parentOf(r.id) === parent ? r.id : notChild(r.id, parent, where, issues);
}

function notChild(id: string, parent: string, where: string, issues: Issues): undefined {
  issues.add(where, GROUP_MESSAGES.notChild(id, parent));
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
