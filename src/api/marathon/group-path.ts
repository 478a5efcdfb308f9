/**
 * `/v2/groups/*` paths: a group id, `.../versions` (its versions), `.../versions/{version}` (the
 * group at a version; PUT there rolls back, python3-marathon's rollback_group). Ids are read with
 * the app id rules (no `.`/`..`, absolute).
 */
import { parsePathAppId } from '../path-app-id.js';

export type GroupPath =
  | { kind: 'group'; id: string }
  | { kind: 'versions'; id: string }
  | { kind: 'version'; id: string; version: string };

export function parseGroupPath(wildcard: string): GroupPath {
  const segs = wildcard.split('/').filter((s) => s !== '');
  const idOf = (drop: number) => {
    const rest = segs.slice(0, segs.length - drop);
    return rest.length === 0 ? '/' : parsePathAppId(rest.join('/'));
  };
  const last = segs[segs.length - 1];
  if (last === 'versions') return { kind: 'versions', id: idOf(1) };
  if (segs[segs.length - 2] === 'versions') return { kind: 'version', id: idOf(2), version: last as string };
  return { kind: 'group', id: idOf(0) };
}
