/**
 * Changing apps: create (POST), create-or-replace (PUT), partial update (PATCH), bulk PUT, delete,
 * restart. Every body is validated completely before the master is called, so a rejected request
 * changes nothing.
 */
import type { FastifyReply } from 'fastify';
import type { DeploymentRef } from '../../control-plane/master-api.js';
import { withApps } from '../../deploy/root-draft.js';
import type { AppDefinition, AppSpec } from '../../domain/app.js';
import { DroverError, type ErrorDetail, isDroverError } from '../../domain/errors.js';
import { isPlainObject, requireBody, requireObjectBody } from '../json-body.js';
import { parsePathAppId } from '../path-app-id.js';
import { boolParam, type Query } from '../query-params.js';
import { appView } from '../views/app-view.js';
import { sendDeployment } from '../views/deployment-result.js';
import { rollbackVersion, specForCreate, specForPatch, specForReplace } from './app-input.js';
import { requireApp, unknownApp } from './app-lookup.js';
import type { RouteContext } from './route-context.js';

export async function createApp(
  ctx: RouteContext,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  boolParam(q, 'force', false);
  const spec = specForCreate(requireBody(body));
  if (ctx.master.getApp(spec.id)) throw appExists(spec.id);
  const ref = await ctx.master.createApp(spec).catch((err: unknown) => {
    throw isDroverError(err) && err.code === 'APP_EXISTS' ? appExists(spec.id) : err;
  });
  const stored = ctx.master.getApp(spec.id) ?? stamped(spec, ref);
  const view = appView({
    app: stored,
    tasks: [],
    embed: new Set(['counts', 'deployments', 'tasks']),
    deploymentIds: [ref.deploymentId],
    now: ctx.clock.now(),
  });
  return reply
    .code(201)
    .header('Location', `/v2/apps${spec.id}`)
    .header('Marathon-Deployment-Id', ref.deploymentId)
    .send(view);
}

/**
 * PUT /v2/apps/{id}: creates the app when missing (201), else updates it (200). As in Marathon
 * 1.5+, `partialUpdate` defaults to true: fields left out keep their values, which is how
 * python3-marathon scales (`PUT {"instances": n}`).
 */
export async function putApp(
  ctx: RouteContext,
  id: string,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', false);
  const partial = boolParam(q, 'partialUpdate', true);
  const b = requireObjectBody(body);
  const current = ctx.master.getApp(id);
  const version = rollbackVersion(b);
  if (version !== undefined) {
    if (!current) throw unknownApp(id);
    return sendDeployment(reply, await ctx.master.putApp(await versionOf(ctx, id, version), { force }));
  }
  const spec = current && partial ? specForPatch(current, b) : specForReplace(id, b);
  const ref = await ctx.master.putApp(spec, { force });
  if (current) return sendDeployment(reply, ref);
  reply.header('Location', `/v2/apps${id}`);
  return sendDeployment(reply, ref, 201);
}

/** PATCH /v2/apps/{id}: always partial, never creates. */
export async function patchApp(
  ctx: RouteContext,
  id: string,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', false);
  const b = requireObjectBody(body);
  const current = requireApp(ctx.master, id);
  const version = rollbackVersion(b);
  const target = version !== undefined ? await versionOf(ctx, id, version) : specForPatch(current, b);
  return sendDeployment(reply, await ctx.master.putApp(target, { force }));
}

/** DELETE /v2/apps/{id}. Marathon defaults `force` to true here (and only here). */
export async function deleteApp(
  ctx: RouteContext,
  id: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', true);
  requireApp(ctx.master, id);
  return sendDeployment(reply, await ctx.master.deleteApp(id, { force }));
}

export async function restartApp(
  ctx: RouteContext,
  id: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', false);
  requireApp(ctx.master, id);
  return sendDeployment(reply, await ctx.master.restartApp(id, { force }));
}

/**
 * PUT /v2/apps: an array of apps (a single object is taken as a list of one), each created or
 * updated as PUT /v2/apps/{id} would. All are validated first; errors carry the index in their
 * path (`/1/cmd`). Answers with the last deployment, in Marathon's `{deploymentId, version}`.
 */
export async function putApps(
  ctx: RouteContext,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', false);
  const partial = boolParam(q, 'partialUpdate', true);
  const b = requireBody(body);
  const items = Array.isArray(b) ? b : [b];
  if (items.length === 0) throw invalidAt('/', 'at least one app is required');
  return deployBulk(ctx, await bulkTargets(ctx, items, partial), force, reply);
}

/**
 * PATCH /v2/apps: Marathon's patchMultiple, a bulk partial update that never creates. The body is
 * an array of partial definitions, each naming an existing app by `id`; every field given replaces
 * the app's own (as PATCH /v2/apps/{id}), `{"id", "version"}` rolls that app back. All are
 * validated first (422 with the index in the path); an unknown app is a 404, as Marathon's
 * AppNotFoundException; the changes go out as one deployment, refused with 409 while another
 * deployment changes one of the apps, unless `force=true`.
 */
export async function patchApps(
  ctx: RouteContext,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = boolParam(q, 'force', false);
  const items = requireBody(body);
  // Marathon parses the body as Seq[AppUpdate]: a lone object is the wrong JSON type.
  if (!Array.isArray(items)) {
    throw new DroverError('INVALID_JSON', 'Invalid JSON', [
      { path: '/', errors: ['error.expected.jsarray'] },
    ]);
  }
  if (items.length === 0) throw invalidAt('/', 'at least one app is required');
  // Existence before validation: a patch of an app that is not there is a 404 whatever it says.
  for (const item of items) {
    const id = isPlainObject(item) && typeof item.id === 'string' ? validIdOrUndefined(item.id) : undefined;
    if (id !== undefined && !ctx.master.getApp(id)) throw unknownApp(id);
  }
  return deployBulk(ctx, await bulkTargets(ctx, items, true), force, reply);
}

/** A bad id is reported by validation with the item's index; here it is just not looked up. */
function validIdOrUndefined(raw: string): string | undefined {
  try {
    return parsePathAppId(raw);
  } catch {
    return undefined;
  }
}

async function deployBulk(
  ctx: RouteContext,
  targets: AppSpec[],
  force: boolean,
  reply: FastifyReply,
): Promise<FastifyReply> {
  // One deployment for all of them, as Marathon does, so dependencies among them are ordered.
  const paths = new Map(targets.map((t, i) => [t.id, `/${i}`]));
  const result = await ctx.master.changeGroups((root) => ({ draft: withApps(root, targets), paths }), {
    force,
    dryRun: false,
    groupId: '/',
  });
  // Not a dry run, so the change is a deployment.
  return 'deployment' in result
    ? sendDeployment(reply, result.deployment)
    : reply.send({ steps: result.plan });
}

async function bulkTargets(ctx: RouteContext, items: unknown[], partial: boolean): Promise<AppSpec[]> {
  const details: ErrorDetail[] = [];
  const targets: AppSpec[] = [];
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    try {
      const t = await bulkTarget(ctx, item, partial);
      if (seen.has(t.id)) throw invalidAt('/id', `app ${t.id} appears more than once`);
      seen.add(t.id);
      targets.push(t);
    } catch (err) {
      if (!isDroverError(err) || err.status >= 500) throw err;
      const own = err.details.length > 0 ? err.details : [{ path: '/', errors: [err.message] }];
      for (const d of own) details.push({ path: `/${i}${d.path === '/' ? '' : d.path}`, errors: d.errors });
    }
  }
  if (details.length > 0) throw new DroverError('INVALID_DEFINITION', 'Object is not valid', details);
  return targets;
}

async function bulkTarget(ctx: RouteContext, item: unknown, partial: boolean): Promise<AppSpec> {
  if (!isPlainObject(item)) throw invalidAt('/', 'error.expected.jsobject');
  if (typeof item.id !== 'string') throw invalidAt('/id', 'error.path.missing');
  const id = parsePathAppId(item.id);
  const current = ctx.master.getApp(id);
  const version = rollbackVersion(item);
  if (version !== undefined) {
    if (!current) throw unknownApp(id);
    return versionOf(ctx, id, version);
  }
  return current && partial ? specForPatch(current, item) : specForReplace(id, item);
}

async function versionOf(ctx: RouteContext, id: string, version: string): Promise<AppDefinition> {
  const app = await ctx.master.getAppVersion(id, version);
  if (!app) throw new DroverError('VERSION_NOT_FOUND', `App '${id}' does not exist in version ${version}`);
  return app;
}

function appExists(id: string): DroverError {
  return new DroverError('APP_EXISTS', `An app with id [${id}] already exists.`);
}

function invalidAt(path: string, error: string): DroverError {
  return new DroverError('INVALID_DEFINITION', 'Object is not valid', [{ path, errors: [error] }]);
}

function stamped(spec: AppSpec, ref: DeploymentRef): AppDefinition {
  return {
    ...spec,
    version: ref.version,
    versionInfo: { lastScalingAt: ref.version, lastConfigChangeAt: ref.version },
  };
}
