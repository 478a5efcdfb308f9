/**
 * How an app's secret references look from outside: as Marathon writes them, each variable that
 * takes a secret back in `env` as `{"secret": "ref"}` (the stored definition keeps them apart, in
 * `secretEnv`, so `env` stays plain strings for everything else). Only references, never values.
 */
import type { AppDefinition } from './app.js';

export function withSecretRefs(app: AppDefinition): Record<string, unknown> {
  const { secretEnv, ...rest } = app;
  if (secretEnv === undefined) return rest;
  const env: Record<string, unknown> = { ...app.env };
  for (const [name, ref] of Object.entries(secretEnv)) env[name] = { secret: ref };
  return { ...rest, env };
}

/** The secrets (`/v2/secrets` names) an app's secret files take, by their `containerPath`. */
export function secretFileSources(app: Pick<AppDefinition, 'secrets' | 'container'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of app.container?.volumes ?? []) {
    const source = v.secret === undefined ? undefined : app.secrets?.[v.secret]?.source;
    if (source !== undefined) out[v.containerPath] = source;
  }
  return out;
}

/** Every `/v2/secrets` name an app takes, as a variable or as a file. */
export function secretsUsed(app: Pick<AppDefinition, 'secrets' | 'secretEnv' | 'container'>): string[] {
  return [...new Set([...Object.values(secretSources(app)), ...Object.values(secretFileSources(app))])];
}

/** The secrets (`/v2/secrets` names) an app's variables take, by variable name. */
export function secretSources(app: Pick<AppDefinition, 'secrets' | 'secretEnv'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, ref] of Object.entries(app.secretEnv ?? {})) {
    const source = app.secrets?.[ref]?.source;
    if (source !== undefined) out[name] = source;
  }
  return out;
}
