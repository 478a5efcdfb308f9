/**
 * Marathon's version bookkeeping. Every stored change gets a new `version` (an ISO timestamp the
 * caller supplies, since this code has no clock); `versionInfo.lastConfigChangeAt` moves only when
 * the definition changed beyond `instances`, while `lastScalingAt` moves on every new version
 * (scaling and restarts included), as docs/rest-api AppsResource_show.md describes.
 */
import type { AppDefinition, AppSpec } from './app.js';
import { isScaleOnly, sameDefinition } from './app-equality.js';

export function stampVersion(app: AppSpec, version: string, previous?: AppDefinition): AppDefinition {
  const { version: _v, versionInfo: _vi, ...spec } = app as AppDefinition;
  const configKept =
    previous !== undefined && (sameDefinition(previous, spec) || isScaleOnly(previous, spec));
  const lastConfigChangeAt = configKept ? previous.versionInfo.lastConfigChangeAt : version;
  return { ...spec, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt } };
}
