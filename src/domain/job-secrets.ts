/**
 * Which `/v2/secrets` a job takes, seen through the app rules (app-secrets.ts): its
 * `{name, secret}` environment entries are an app's `secretEnv`, its container's secret volumes
 * an app's. Only names and references here, never values.
 */
import type { Volume } from './app.js';
import { secretFileSources, secretSources, secretsUsed } from './app-secrets.js';
import type { JobSpec } from './job.js';

type JobSecretFields = Pick<JobSpec, 'secrets' | 'environmentVariables' | 'container'>;

function asSecretHolder(job: JobSecretFields) {
  const secretEnv: Record<string, string> = {};
  for (const v of job.environmentVariables) if ('secret' in v) secretEnv[v.name] = v.secret;
  const volumes = Array.isArray(job.container?.volumes) ? (job.container.volumes as Volume[]) : [];
  return {
    ...(job.secrets ? { secrets: job.secrets } : {}),
    secretEnv,
    container: { type: 'DOCKER' as const, volumes },
  };
}

/** Variable name -> the secret its value is. */
export function jobSecretEnvSources(job: JobSecretFields): Record<string, string> {
  return secretSources(asSecretHolder(job));
}

/** Container path -> the secret written there. */
export function jobSecretFileSources(job: JobSecretFields): Record<string, string> {
  return secretFileSources(asSecretHolder(job));
}

/** Every `/v2/secrets` name a job takes, as a variable or as a file. */
export function jobSecretsUsed(job: JobSecretFields): string[] {
  return secretsUsed(asSecretHolder(job));
}
