/**
 * `/v2/deployments`: list the running deployments; `DELETE /v2/deployments/{id}` rolls one back
 * through a new deployment (200 with its `{deploymentId, version}`), or with `force=true` only
 * stops it (202, no body), as Marathon does.
 */
import type { FastifyInstance } from 'fastify';
import { boolParam } from '../query-params.js';
import type { NamedRoute } from '../route-generics.js';
import { sendDeployment } from '../views/deployment-result.js';
import { deploymentView } from '../views/deployment-view.js';
import type { RouteContext } from './route-context.js';

export function registerDeploymentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v2/deployments', async () => {
    return ctx.master.deployments().map(deploymentView);
  });

  app.delete<NamedRoute<'id'>>('/v2/deployments/:id', async (req, reply) => {
    const force = boolParam(req.query, 'force', false);
    const { id } = req.params;
    const ref = await ctx.master.cancelDeployment(id, force);
    if (force || !ref) return reply.code(202).send();
    return sendDeployment(reply, ref);
  });
}
