/**
 * App ids contain slashes, so `/v2/apps/*` is one wildcard route and the resource is told apart
 * by its trailing segments, per method, as Marathon's Jersey routes do: `.../tasks`,
 * `.../tasks/{taskId}`, `.../versions[/{version}]`, `.../restart`, and `.../*` (a group's apps).
 * Like Jersey, the suffix reading wins over an app whose own id ends in `tasks` or `versions`.
 */
import { DroverError } from '../../domain/errors.js';
import { parsePathAppId } from '../path-app-id.js';

export type AppPath =
  | { kind: 'app'; id: string }
  | { kind: 'tasks'; id: string }
  | { kind: 'task'; id: string; taskId: string }
  | { kind: 'versions'; id: string }
  | { kind: 'version'; id: string; version: string }
  | { kind: 'restart'; id: string }
  | { kind: 'group'; prefix: string };

export function parseAppPath(method: string, wildcard: string): AppPath {
  const segs = wildcard.split('/').filter((s) => s !== '');
  const last = segs[segs.length - 1];
  const beforeLast = segs[segs.length - 2];
  const idOf = (drop: number) => parsePathAppId(segs.slice(0, segs.length - drop).join('/'));
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (last === '*') return { kind: 'group', prefix: segs.length === 1 ? '/' : idOf(1) };
      if (segs.length > 1 && last === 'tasks') return { kind: 'tasks', id: idOf(1) };
      if (segs.length > 1 && last === 'versions') return { kind: 'versions', id: idOf(1) };
      if (segs.length > 2 && beforeLast === 'versions')
        return { kind: 'version', id: idOf(2), version: last as string };
      return { kind: 'app', id: idOf(0) };
    case 'DELETE':
      if (segs.length > 1 && last === 'tasks') return { kind: 'tasks', id: idOf(1) };
      if (segs.length > 2 && beforeLast === 'tasks')
        return { kind: 'task', id: idOf(2), taskId: last as string };
      return { kind: 'app', id: idOf(0) };
    case 'POST':
      if (segs.length > 1 && last === 'restart') return { kind: 'restart', id: idOf(1) };
      throw new DroverError(
        'METHOD_NOT_ALLOWED',
        'POST is only allowed on /v2/apps and /v2/apps/{appId}/restart',
      );
    default:
      return { kind: 'app', id: idOf(0) };
  }
}
