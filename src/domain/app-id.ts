/**
 * App ids (Marathon's PathId): `/group/app`, each segment a lowercase DNS-like label. Relative ids
 * are made absolute against a base group, resolving `.` and `..` as Marathon does; unlike
 * Marathon, which silently clamps `..` at the root, an id that would climb above the root is
 * refused, and so is `.` or `..` inside an absolute id: an id must never name something other
 * than what its author could see in it.
 */
import { RESERVED_ID_SEGMENTS } from './app-defaults.js';
import { MAX_ID_LENGTH } from './limits.js';

export const ID_SEGMENT_PATTERN =
  '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])$';
const ID_SEGMENT = new RegExp(ID_SEGMENT_PATTERN);

export const ID_MESSAGES = {
  segment: `must fully match regular expression '${ID_SEGMENT_PATTERN}'`,
  empty: 'Path must contain at least one path element',
  dotsInAbsolute: "must not contain '.' or '..' segments: they are only resolved in relative ids",
  escapesRoot: "must not use '..' to leave the root group",
  tooLong: `must be at most ${MAX_ID_LENGTH} characters long`,
  reserved: `must not end with any of the following reserved keywords: ${RESERVED_ID_SEGMENTS.join(', ')}`,
} as const;

export type IdResolution = { ok: true; id: string } | { ok: false; errors: string[] };

/** `web` against `/prod` -> `/prod/web`; `/a/b/` -> `/a/b`; `../x` against `/` -> refused. */
export function resolveAppId(raw: string, base = '/'): IdResolution {
  const absolute = raw.startsWith('/');
  const given = raw.split('/').filter((s) => s !== '');
  const errors: string[] = [];
  const dots = given.some((s) => s === '.' || s === '..');
  if (absolute && dots) errors.push(ID_MESSAGES.dotsInAbsolute);

  const result = absolute ? [] : base.split('/').filter((s) => s !== '');
  if (!(absolute && dots)) {
    for (const segment of given) {
      if (segment === '.') continue;
      if (segment === '..') {
        if (result.length === 0) {
          errors.push(ID_MESSAGES.escapesRoot);
          break;
        }
        result.pop();
        continue;
      }
      result.push(segment);
    }
  }

  if (given.some((s) => s !== '.' && s !== '..' && !ID_SEGMENT.test(s))) errors.push(ID_MESSAGES.segment);
  if (errors.length === 0 && result.length === 0) errors.push(ID_MESSAGES.empty);
  // Checked on the resolved id: a short relative id can still name a long path under its base.
  if (result.join('/').length + 1 > MAX_ID_LENGTH) errors.push(ID_MESSAGES.tooLong);
  const last = result.at(-1);
  if (last !== undefined && (RESERVED_ID_SEGMENTS as readonly string[]).includes(last)) {
    errors.push(ID_MESSAGES.reserved);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, id: `/${result.join('/')}` };
}

/** The group an app lives in: `/a/b` -> `/a`, `/a` -> `/`. */
export function parentGroup(id: string): string {
  const segments = id.split('/').filter((s) => s !== '');
  return `/${segments.slice(0, -1).join('/')}`;
}
