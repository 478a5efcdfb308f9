/**
 * Which of the agent's own environment variables a process task inherits.
 *
 * A task must not see the agent's secrets (cluster token, database URLs, cloud credentials) or
 * depend on how the agent happened to be started, so it gets only what a login shell would give
 * any process on the machine: where programs are (PATH), who and where it is (HOME, USER, LOGNAME,
 * SHELL, TMPDIR) and how to format text and time (LANG, LANGUAGE, LC_*, TZ). Everything else comes
 * from the task's own env, which wins over these on conflict.
 */
export const INHERITED_ENV_NAMES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'LANG',
  'LANGUAGE',
  'TZ',
];

/** `LC_ALL`, `LC_CTYPE`, ...: locale categories, all harmless and all needed for consistent text. */
const LOCALE_PREFIX = 'LC_';

/** Used when the agent itself was started without a PATH (e.g. by a bare supervisor). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function inheritedEnv(
  hostEnv: Readonly<Record<string, string | undefined>>,
  names: readonly string[] = INHERITED_ENV_NAMES,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(hostEnv)) {
    if (value === undefined) continue;
    if (names.includes(name) || name.startsWith(LOCALE_PREFIX)) out[name] = value;
  }
  out['PATH'] ??= DEFAULT_PATH;
  return out;
}

/** The environment a process task runs with: inherited basics underneath, the task's env on top. */
export function processTaskEnv(
  hostEnv: Readonly<Record<string, string | undefined>>,
  taskEnv: Record<string, string>,
  names?: readonly string[],
): Record<string, string> {
  return { ...inheritedEnv(hostEnv, names), ...taskEnv };
}
