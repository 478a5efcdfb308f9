/**
 * Agent maintenance routes (Drover extension):
 *   GET  /v2/agents                 {agents: [AgentView]}, ordered by id
 *   GET  /v2/agents/{id}            {agent: AgentView}
 *   POST /v2/agents/{id}/drain      no new tasks; its tasks move per each app's upgrade strategy
 *   POST /v2/agents/{id}/undrain    back in service
 * Usage and task lists count every task on the agent, job runs included (listAllTasks), unlike
 * /v2/tasks. Drain answers 503 from a master that cannot drain (the MasterApi methods are optional).
 */
import type { FastifyInstance } from 'fastify';
import type { AgentInfo } from '../domain/agent.js';
import { DroverError } from '../domain/errors.js';
import type { RouteContext } from './marathon/route-context.js';
import type { NamedRoute } from './route-generics.js';
import { agentView } from './views/agent-view.js';

export function registerAgentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const find = (id: string): AgentInfo => {
    const agent = ctx.master.agents().find((a) => a.id === id);
    if (!agent) throw new DroverError('NOT_FOUND', `Agent '${id}' does not exist`);
    return agent;
  };

  app.get('/v2/agents', async () => {
    const tasks = ctx.master.listAllTasks();
    const agents = [...ctx.master.agents()].sort((a, b) => (a.id < b.id ? -1 : 1));
    return { agents: agents.map((a) => agentView(a, tasks)) };
  });

  app.get<NamedRoute<'id'>>('/v2/agents/:id', async (req) => ({
    agent: agentView(find(req.params.id), ctx.master.listAllTasks()),
  }));

  app.post<NamedRoute<'id'>>('/v2/agents/:id/drain', async (req) => {
    find(req.params.id);
    return { agent: agentView(await ctx.master.drainAgent(req.params.id), ctx.master.listAllTasks()) };
  });

  app.post<NamedRoute<'id'>>('/v2/agents/:id/undrain', async (req) => {
    find(req.params.id);
    return { agent: agentView(await ctx.master.undrainAgent(req.params.id), ctx.master.listAllTasks()) };
  });
}
