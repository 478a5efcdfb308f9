/**
 * The entry points the API uses for app definitions: parse a POST/PUT body, apply a PATCH (or a
 * Marathon partial-update PUT), and recognise a rollback PUT. Version stamping is not done here:
 * the result is an AppSpec (an AppDefinition without `version`/`versionInfo`), so a caller cannot
 * store it without choosing a version (stampVersion in app-version.ts).
 */
import { stripNulls } from './absent-fields.js';
import type { AppDefinition, AppSpec } from './app.js';
import { type NormalizeOptions, normalizeApp } from './app-normalize.js';
import { type AppInput, AppInputSchema } from './app-schema.js';
import { invalid } from './errors.js';
import { addSchemaIssues } from './schema-issues.js';
import { Issues } from './validation-issues.js';

export interface ParseOptions extends NormalizeOptions {
  /** Prepended to every error path, e.g. `/apps(2)` when the app sits inside a larger body. */
  pathPrefix?: string;
}

/**
 * Validates a Marathon 1.x app definition and returns it normalised. Throws a 422 DroverError
 * listing every problem (Marathon's `{message, details: [{path, errors}]}`). Read-only GET
 * fields and `version` are accepted and dropped.
 */
export function parseAppDefinition(input: unknown, opts: ParseOptions = {}): AppSpec {
  const issues = new Issues(opts.pathPrefix);
  const value = stripNulls(input);
  const wellTyped = addSchemaIssues(AppInputSchema, value, issues);
  if (!wellTyped) throw invalid(issues.details());
  const app = normalizeApp(value as AppInput, issues, opts);
  if (issues.size > 0) throw invalid(issues.details());
  return app;
}

/**
 * Marathon's PATCH (and PUT with partialUpdate): each top-level field the patch names replaces
 * the current one; the result is validated as a whole. A deprecated field in the patch replaces
 * its modern twin in the current definition (`ports` replaces `portDefinitions`, `uris` replaces
 * `fetch`), and `cmd` replaces `args` and vice versa, so that patching one spelling never
 * collides with the other. The id is always the current one.
 */
export function applyAppPatch(
  current: AppSpec | AppDefinition,
  patch: unknown,
  opts: ParseOptions = {},
): AppSpec {
  const p = stripNulls(patch);
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw invalid([{ path: opts.pathPrefix || '/', errors: ['error.expected.jsobject'] }]);
  }
  const given = p as Record<string, unknown>;
  const { version: _v, versionInfo: _vi, ...base } = current as AppDefinition;
  const merged: Record<string, unknown> = { ...base };
  const replaces: [string, string][] = [
    ['ports', 'portDefinitions'],
    ['uris', 'fetch'],
    ['cmd', 'args'],
    ['args', 'cmd'],
    ['ipAddress', 'networks'],
  ];
  for (const [field, twin] of replaces) {
    if (field in given && !(twin in given)) delete merged[twin];
  }
  if (dockerNetworkOf(given.container) !== undefined && !('networks' in given)) delete merged.networks;
  if ('networks' in given && !('container' in given) && base.container?.docker?.network) {
    const { network: _n, ...docker } = base.container.docker;
    merged.container = { ...base.container, docker };
  }
  Object.assign(merged, given, { id: current.id });
  return parseAppDefinition(merged, { ...opts, baseId: '/' });
}

function dockerNetworkOf(container: unknown): unknown {
  if (typeof container !== 'object' || container === null) return undefined;
  const docker = (container as Record<string, unknown>).docker;
  if (typeof docker !== 'object' || docker === null) return undefined;
  return (docker as Record<string, unknown>).network;
}

/**
 * A PUT whose body is only `{"version": "..."}` (optionally with `id`) asks Marathon to roll the
 * app back to that stored version. Returns the version, or undefined for an ordinary body.
 */
export function rollbackVersion(body: unknown): string | undefined {
  const b = stripNulls(body);
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return undefined;
  const { version, id: _id, ...rest } = b as Record<string, unknown>;
  return typeof version === 'string' && Object.keys(rest).length === 0 ? version : undefined;
}
