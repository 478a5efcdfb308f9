/**
 * App ids taken from the URL. They are absolute whatever the client wrote (`/v2/apps/web` names
 * `/web`), and the domain's id rules apply: `.` and `..` are refused outright, so
 * `/v2/apps/a/%2E%2E/%2E%2E/b` can never name (and overwrite or delete) an app other than the one
 * the client could see in the path.
 */
import { resolveAppId } from '../domain/app-id.js';
import { DroverError } from '../domain/errors.js';

/** `web`, `/web`, `/group/web/` -> `/web`, `/group/web`; a 400 for anything else. */
export function parsePathAppId(raw: string): string {
  const r = resolveAppId(raw.startsWith('/') ? raw : `/${raw}`);
  if (!r.ok) {
    throw new DroverError('BAD_REQUEST', `Invalid app id '${raw}': ${r.errors.join('; ')}`, [
      { path: '/id', errors: r.errors },
    ]);
  }
  return r.id;
}

/** The same rule for an id that came out of a validated body: a last line of defence. */
export function assertSafeAppId(id: string): void {
  const r = resolveAppId(id);
  if (!id.startsWith('/') || !r.ok || r.id !== id) {
    throw new DroverError('INVALID_DEFINITION', 'Object is not valid', [
      { path: '/id', errors: r.ok ? ['the id must be absolute and canonical'] : r.errors },
    ]);
  }
}
