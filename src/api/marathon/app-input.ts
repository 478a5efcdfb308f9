/**
 * Turns request bodies into validated app specs via the domain (which owns Marathon's rules, its
 * 422 messages and what counts as a rollback body), adding the one rule the domain cannot see: on
 * `/v2/apps/{id}` the path id wins over an id in the body, as in Marathon 1.5+.
 */
import type { AppDefinition, AppSpec } from '../../domain/app.js';
import { applyAppPatch, parseAppDefinition } from '../../domain/app-validate.js';
import { assertSafeAppId } from '../path-app-id.js';

export { rollbackVersion } from '../../domain/app-validate.js';

/** POST /v2/apps: the body names the id. */
export function specForCreate(body: unknown): AppSpec {
  return checked(parseAppDefinition(body));
}

/** A whole definition for the app at `id`. */
export function specForReplace(id: string, body: Record<string, unknown>): AppSpec {
  return checked(parseAppDefinition({ ...body, id }), id);
}

/** PATCH, and PUT on an existing app (Marathon's default partialUpdate=true). */
export function specForPatch(current: AppDefinition, body: Record<string, unknown>): AppSpec {
  return checked(applyAppPatch(current, body), current.id);
}

function checked(spec: AppSpec, expectedId?: string): AppSpec {
  assertSafeAppId(spec.id);
  if (expectedId !== undefined && spec.id !== expectedId) {
    // Never write anywhere but where the path points, whatever the domain made of the id.
    throw new Error(`validated id ${spec.id} differs from path id ${expectedId}`);
  }
  return spec;
}
