/**
 * The retry/drop policy of Marathon's HTTP callback subscribers (/v2/eventSubscriptions). Pure:
 * a subscriber's delivery health and `now` in, what to do next out. A failed POST is retried
 * (the same event, so a subscriber sees events in order) after a delay that doubles from 500 ms
 * up to 10 s; a subscriber whose POSTs have failed for 60 s without one success in between is
 * dropped (unsubscribed), as issue 13 asks; one success clears the record.
 */

export const DROP_AFTER_MS = 60_000;
export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 10_000;

export interface DeliveryHealth {
  /** Epoch ms of the first failure since the last success; undefined while healthy. */
  failingSince?: number;
  /** Failures in a row. */
  failures: number;
}

export const HEALTHY: DeliveryHealth = { failures: 0 };

export type NextStep =
  | { kind: 'next'; health: DeliveryHealth }
  | { kind: 'retry'; health: DeliveryHealth; inMs: number }
  | { kind: 'drop'; health: DeliveryHealth; failingForMs: number };

export function afterDelivery(health: DeliveryHealth, ok: boolean, now: number): NextStep {
  if (ok) return { kind: 'next', health: HEALTHY };
  const failingSince = health.failingSince ?? now;
  const next: DeliveryHealth = { failingSince, failures: health.failures + 1 };
  const failingForMs = now - failingSince;
  if (failingForMs >= DROP_AFTER_MS) return { kind: 'drop', health: next, failingForMs };
  const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (next.failures - 1));
  // Never wait past the drop deadline: the last try comes at 60 s, not up to 10 s later.
  const inMs = Math.max(0, Math.min(backoff, failingSince + DROP_AFTER_MS - now));
  return { kind: 'retry', health: next, inMs };
}
