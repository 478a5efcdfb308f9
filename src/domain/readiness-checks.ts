/**
 * Readiness checks: during a deployment a new task counts only once its readiness check passes.
 * Marathon allows at most one, it must name one of the app's ports, and its timeout must be
 * shorter than its interval (AppValidation.readinessCheckValidator).
 */
import type { ReadinessCheck } from './app.js';
import { READINESS_CHECK_DEFAULTS } from './app-defaults.js';
import type { AppInput } from './app-schema.js';
import { at, expected, type Issues } from './validation-issues.js';

export const READINESS_MESSAGES = {
  portName: (name: string) => `No port definition reference for portName ${name}`,
} as const;

type ReadinessInput = NonNullable<AppInput['readinessChecks']>[number];

/** `portNames`: the names of the app's port mappings if it has any, else of its port definitions. */
export function normalizeReadinessChecks(
  checks: readonly ReadinessInput[],
  portNames: ReadonlySet<string>,
  issues: Issues,
): ReadinessCheck[] {
  if (checks.length > 1) issues.add('/readinessChecks', expected.atMost(String(checks.length), '1'));
  return checks.map((c, i) => {
    const d = READINESS_CHECK_DEFAULTS;
    const check: ReadinessCheck = {
      name: c.name ?? d.name,
      protocol: c.protocol ?? d.protocol,
      path: c.path ?? d.path,
      portName: c.portName ?? d.portName,
      intervalSeconds: c.intervalSeconds ?? d.intervalSeconds,
      timeoutSeconds: c.timeoutSeconds ?? d.timeoutSeconds,
      httpStatusCodesForReady:
        c.httpStatusCodesForReady && c.httpStatusCodesForReady.length > 0
          ? [...new Set(c.httpStatusCodesForReady)]
          : [...d.httpStatusCodesForReady],
      preserveLastResponse: c.preserveLastResponse ?? d.preserveLastResponse,
    };
    const path = at('/readinessChecks', i);
    if (!portNames.has(check.portName))
      issues.add(`${path}/portName`, READINESS_MESSAGES.portName(check.portName));
    if (check.timeoutSeconds >= check.intervalSeconds) {
      issues.add(
        `${path}/timeoutSeconds`,
        expected.lessThan(String(check.timeoutSeconds), String(check.intervalSeconds)),
      );
    }
    return check;
  });
}
