/**
 * `/v2/secrets` (Drover extension, admin and deployer: roles.ts): `PUT /v2/secrets/{name}` with
 * `{"value": "..."}` stores a new version, `GET /v2/secrets` lists names and versions (never
 * values), `DELETE /v2/secrets/{name}` removes one no app and no job uses (409 naming them). Without `--secret-key-file` the
 * routes answer 404 saying so.
 *
 * Also the check every app write passes: each `secrets.*.source` must name a stored secret, else
 * a 422 at that path (`/secrets/db/source`, `/apps(0)/secrets/db/source`). Job writes make the
 * same check in the Chronos routes (jobs-write.ts), answering in the job API's shape.
 */
import type { FastifyInstance } from 'fastify';
import type { JobsApi } from '../control-plane/jobs/jobs-api.js';
import type { MasterApi } from '../control-plane/master-api.js';
import type { SecretVault } from '../control-plane/secrets/secret-vault.js';
import { secretsUsed } from '../domain/app-secrets.js';
import { DroverError, type ErrorDetail, invalid } from '../domain/errors.js';
import { jobSecretsUsed } from '../domain/job-secrets.js';
import { isPlainObject, requireObjectBody } from './json-body.js';
import type { WildcardRoute } from './route-generics.js';

const APP_WRITES = /^\/v2\/(apps|groups)(\/|$)/;
const MAX_DEPTH = 12;

export function registerSecretRoutes(
  app: FastifyInstance,
  vault: SecretVault | undefined,
  master: MasterApi,
  jobs?: Pick<JobsApi, 'listJobs'>,
): void {
  const need = (): SecretVault => {
    if (vault) return vault;
    throw new DroverError('NOT_FOUND', 'secrets are off: start Drover with --secret-key-file');
  };

  app.get('/v2/secrets', async () => ({ secrets: await need().list() }));

  app.put<WildcardRoute>('/v2/secrets/*', async (req) => {
    const name = req.params['*'];
    const body = requireObjectBody(req.body);
    if (typeof body.value !== 'string') {
      throw invalid([{ path: '/value', errors: ['expected the secret as a string'] }]);
    }
    return need().put(name, body.value);
  });

  app.delete<WildcardRoute>('/v2/secrets/*', async (req, reply) => {
    const name = req.params['*'];
    const users = [
      ...master
        .listApps()
        .filter((a) => secretsUsed(a).includes(name))
        .map((a) => a.id),
      ...(jobs?.listJobs() ?? []).filter((j) => jobSecretsUsed(j).includes(name)).map((j) => `job ${j.name}`),
    ];
    if (users.length > 0) {
      throw new DroverError('CONFLICT', `secret ${name} is used by ${users.join(', ')}`);
    }
    if (!(await need().delete(name))) throw new DroverError('NOT_FOUND', `secret ${name} does not exist`);
    return reply.code(204).send();
  });
}

/**
 * After the body is parsed, before any route runs: an app that names a missing secret is refused
 * whole, before anything is stored.
 */
export function installSecretRefCheck(app: FastifyInstance, vault: SecretVault | undefined): void {
  app.addHook('preHandler', async (req) => {
    if (req.method === 'GET' || req.method === 'DELETE') return;
    const path = req.url.split('?')[0] ?? '';
    if (!APP_WRITES.test(path)) return;
    const refs: Array<{ path: string; source: string }> = [];
    collectSources(req.body, '', 0, refs);
    if (refs.length === 0) return;
    const details = await missingSecrets(refs, vault);
    if (details.length > 0) throw invalid(details);
  });
}

/** A problem at each reference whose secret is not stored (or at all of them: secrets are off). */
export async function missingSecrets(
  refs: ReadonlyArray<{ path: string; source: string }>,
  vault: Pick<SecretVault, 'has'> | undefined,
): Promise<ErrorDetail[]> {
  const details: ErrorDetail[] = [];
  for (const r of refs) {
    if (!vault)
      details.push({ path: r.path, errors: ['secrets are off: start Drover with --secret-key-file'] });
    else if (!(await vault.has(r.source)))
      details.push({ path: r.path, errors: [`secret ${r.source} does not exist`] });
  }
  return details;
}

/** Every `secrets: {ref: {source}}` in a body (an app, a list of apps, nested groups). */
function collectSources(
  v: unknown,
  at: string,
  depth: number,
  out: Array<{ path: string; source: string }>,
): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      collectSources(item, `${at}(${i})`, depth + 1, out);
    });
    return;
  }
  if (!isPlainObject(v)) return;
  if (isPlainObject(v.secrets)) {
    for (const [ref, s] of Object.entries(v.secrets)) {
      if (isPlainObject(s) && typeof s.source === 'string') {
        out.push({ path: `${at}/secrets/${ref}/source`, source: s.source });
      }
    }
  }
  for (const key of ['apps', 'groups']) if (key in v) collectSources(v[key], `${at}/${key}`, depth + 1, out);
}
