/**
 * Changing groups. Every body is read completely (deploy/group-body.ts: one 422 with every
 * problem at Marathon's paths) before the master is called; the master applies the request to
 * the root group current when it runs, as one deployment. `dryRun=true` answers the plan
 * (`{steps}`) and changes nothing; `force=true` cancels deployments holding affected apps instead
 * of answering 409.
 */
import type { FastifyReply } from 'fastify';
import type { GroupChangeResult, GroupRequest } from '../../control-plane/master-api.js';
import { parseGroupBody } from '../../deploy/group-body.js';
import {
  createGroup,
  deleteGroup as deleteGroupChange,
  patchGroup as patchGroupChange,
  replaceGroup,
  rollbackGroup,
  scaleGroup,
} from '../../deploy/group-change.js';
import { requireObjectBody } from '../json-body.js';
import { boolParam, type Query } from '../query-params.js';
import { sendDeployment } from '../views/deployment-result.js';
import { groupAt } from './groups-read.js';
import type { RouteContext } from './route-context.js';

/** POST /v2/groups[/{base}]: the body's `id` (relative to base) names the new group. */
export async function postGroup(
  ctx: RouteContext,
  base: string,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const b = requireObjectBody(body);
  // POST /v2/groups/{id} may leave the id out: the path names the group then.
  const parsed = parseGroupBody(b, base, { idFromBody: base === '/' || typeof b.id === 'string' });
  const result = await change(ctx, (root) => createGroup(root, parsed), q, parsed.id);
  if ('plan' in result) return reply.send({ steps: result.plan });
  reply.header('Location', `/v2/groups${parsed.id === '/' ? '' : parsed.id}`);
  return sendDeployment(reply, result.deployment, 201);
}

/**
 * PUT /v2/groups[/{id}]: `{"version": v}` rolls the group back, `{"scaleBy": f}` scales every app
 * below it (version wins when both are given, as in Marathon), anything else updates it.
 */
export async function putGroup(
  ctx: RouteContext,
  id: string,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const parsed = parseGroupBody(requireObjectBody(body), id);
  let request: GroupRequest;
  if (parsed.version !== undefined) {
    const historical = await groupAt(ctx.master, id, parsed.version);
    request = (root) => rollbackGroup(root, id, historical);
  } else if (parsed.scaleBy !== undefined) {
    const factor = parsed.scaleBy;
    request = (root) => scaleGroup(root, id, factor);
  } else {
    request = (root) => replaceGroup(root, parsed);
  }
  return answer(reply, await change(ctx, request, q, id));
}

/** PATCH /v2/groups[/{id}] (Drover): listed apps are patched or created, nothing is removed. */
export async function patchGroup(
  ctx: RouteContext,
  id: string,
  body: unknown,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const parsed = parseGroupBody(requireObjectBody(body), id);
  return answer(reply, await change(ctx, (root) => patchGroupChange(root, parsed), q, id));
}

export async function deleteGroup(
  ctx: RouteContext,
  id: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  return answer(reply, await change(ctx, (root) => deleteGroupChange(root, id), q, id));
}

/** PUT /v2/groups/{id}/versions/{version}: python3-marathon's rollback_group. */
export async function rollbackGroupTo(
  ctx: RouteContext,
  id: string,
  version: string,
  q: Query,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const historical = await groupAt(ctx.master, id, version);
  return answer(reply, await change(ctx, (root) => rollbackGroup(root, id, historical), q, id));
}

function change(
  ctx: RouteContext,
  request: GroupRequest,
  q: Query,
  groupId: string,
): Promise<GroupChangeResult> {
  const force = boolParam(q, 'force', false);
  const dryRun = boolParam(q, 'dryRun', false);
  return ctx.master.changeGroups(request, { force, dryRun, groupId });
}

function answer(reply: FastifyReply, result: GroupChangeResult): FastifyReply {
  return 'plan' in result ? reply.send({ steps: result.plan }) : sendDeployment(reply, result.deployment);
}
