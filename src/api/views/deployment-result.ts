/**
 * Marathon's answer to anything that starts a deployment: `{deploymentId, version}` in the body
 * and the id again in the `Marathon-Deployment-Id` header.
 */
import type { FastifyReply } from 'fastify';
import type { DeploymentRef } from '../../control-plane/master-api.js';

export const DEPLOYMENT_HEADER = 'Marathon-Deployment-Id';

export function sendDeployment(reply: FastifyReply, ref: DeploymentRef, status = 200): FastifyReply {
  return reply
    .code(status)
    .header(DEPLOYMENT_HEADER, ref.deploymentId)
    .send({ deploymentId: ref.deploymentId, version: ref.version });
}
