/**
 * Upper bounds that keep the master alive. Marathon and Chronos set almost none, and one request
 * (`"instances": 1000000000`, a 1 MiB id, a 4 MB env value PUT hundreds of times) could exhaust the
 * master's heap and, once stored, crash every restart. Each bound sits far above what a real
 * definition needs; they are documented in SECURITY.md ("Limits") and enforced in three places:
 * the API schemas (a 422 naming the field), the agent protocol (agent-protocol-schema.ts, so what
 * the API accepted always fits the protocol) and the master's start (out-of-bounds.ts: a stored
 * definition beyond them is logged and its app left suspended instead of crashing the master).
 */

/** Instances of one app; also the largest result of a group `scaleBy`. */
export const MAX_INSTANCES = 10_000;
/** A group `scaleBy` factor (the result is capped by MAX_INSTANCES too). */
export const MAX_SCALE_BY = 1_000;
/** A whole app or group id (`/a/b/c`), so every id can be addressed by path and fits a task id. */
export const MAX_ID_LENGTH = 255;
/** A Chronos job name. */
export const MAX_JOB_NAME_LENGTH = 255;
/** A task's `user`: the agent protocol refuses a longer one, so the API must too. */
export const MAX_USER_LENGTH = 256;
/** Environment variables (apps and jobs): how many, and the size of a name and of a value. */
export const MAX_ENV_ENTRIES = 1_000;
export const MAX_ENV_NAME_LENGTH = 256;
export const MAX_ENV_VALUE_LENGTH = 64 * 1024;
/** Labels: how many, and the size of a key and of a value. */
export const MAX_LABELS = 1_000;
export const MAX_LABEL_KEY_LENGTH = 256;
export const MAX_LABEL_VALUE_LENGTH = 8 * 1024;
/** Stored versions kept per app (Marathon's `--max_versions`, 50 by default); older ones are pruned. */
export const MAX_APP_VERSIONS = 50;
/**
 * Every delay in seconds (health-check and readiness intervals, timeouts and grace periods,
 * backoff, kill grace, unreachable timeouts): the largest that fits a JavaScript timer
 * (2^31 - 1 ms, about 24.8 days). A longer one would overflow setTimeout into a 1 ms busy loop.
 */
export const MAX_TIMER_SECONDS = 2_147_483;
