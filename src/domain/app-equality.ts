/**
 * When two app versions count as the same definition. A PUT that changes nothing must deploy
 * nothing, and a change of `instances` alone is a scaling (Marathon's `versionInfo.lastScalingAt`),
 * not a configuration change (`lastConfigChangeAt`).
 */
import type { AppDefinition, AppSpec } from './app.js';

type Comparable = AppSpec | AppDefinition;

/** Deep equality of two definitions, ignoring `version` and `versionInfo`. */
export function sameDefinition(a: Comparable, b: Comparable): boolean {
  return jsonEqual(withoutVersion(a), withoutVersion(b));
}

/** True when the definitions differ and `instances` is the only difference. */
export function isScaleOnly(a: Comparable, b: Comparable): boolean {
  if (a.instances === b.instances) return false;
  return sameDefinition({ ...a, instances: 0 }, { ...b, instances: 0 });
}

function withoutVersion(app: Comparable): Record<string, unknown> {
  const { version: _v, versionInfo: _vi, ...rest } = app as AppDefinition;
  return rest;
}

/**
 * Equality of JSON-shaped values. A key holding `undefined` equals a missing key, because a
 * definition read back from the store has been through JSON, which drops such keys.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of keys) {
    if (!jsonEqual(ra[key], rb[key])) return false;
  }
  return true;
}
