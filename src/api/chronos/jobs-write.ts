/**
 * Chronos's write routes: POST/PUT /iso8601 and /dependency, DELETE /job/{name}, PUT
 * /job/{name}[?arguments=] (run now) and PUT /job/success/{name}.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import type { SecretVault } from '../../control-plane/secrets/secret-vault.js';
import { DroverError } from '../../domain/errors.js';
import { invalidJob, type JobKind, parseJob } from '../../domain/job-validate.js';
import { oneValue } from '../query-params.js';
import type { NamedRoute } from '../route-generics.js';
import { missingSecrets } from '../secrets.js';

const noContent = (reply: FastifyReply) => reply.code(204).send();

export function registerJobWrites(
  app: FastifyInstance,
  p: string,
  jobs: JobsApi,
  secrets: Pick<SecretVault, 'has'> | undefined,
): void {
  const post = (kind: JobKind) => async (req: { body: unknown }, reply: FastifyReply) => {
    if (req.body === undefined) throw new DroverError('BAD_REQUEST', 'A job definition is required');
    const spec = parseJob(req.body, kind);
    // A job naming a secret that is not stored is refused whole, before anything is stored.
    const missing = await missingSecrets(
      Object.entries(spec.secrets ?? {}).map(([ref, s]) => ({
        path: `/secrets/${ref}/source`,
        source: s.source,
      })),
      secrets,
    );
    if (missing.length > 0) throw invalidJob(missing);
    await jobs.putJob(spec);
    return noContent(reply);
  };
  app.post(`${p}/iso8601`, post('iso8601'));
  app.post(`${p}/dependency`, post('dependency'));
  // Chronos 3 also accepts PUT for updates on the same paths.
  app.put(`${p}/iso8601`, post('iso8601'));
  app.put(`${p}/dependency`, post('dependency'));

  app.delete<NamedRoute<'name'>>(`${p}/job/:name`, async (req, reply) => {
    await jobs.deleteJob(req.params.name);
    return noContent(reply);
  });

  app.put<NamedRoute<'name'>>(`${p}/job/:name`, async (req, reply) => {
    const { name } = req.params;
    const args = oneValue(req.query, 'arguments');
    await jobs.startJob(name, args ? args.split(/\s+/).filter((a) => a !== '') : undefined);
    return noContent(reply);
  });

  app.put<NamedRoute<'name'>>(`${p}/job/success/:name`, async (req, reply) => {
    const { name } = req.params;
    const ok = await jobs.markSuccess(name);
    return reply.type('text/plain; charset=utf-8').send(`marked job ${name} as successful: ${ok}`);
  });
}
