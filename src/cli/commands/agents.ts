/**
 * `drover agent list|drain ID|undrain ID`: the cluster's agents through the API. argv.ts routes
 * `drover agent <one of these>` here; any other `drover agent ...` runs the agent process.
 */

import type { Agent } from '../../client/types.js';
import type { CommandContext } from '../client-options.js';
import { addClientOptions, withContext } from '../client-options.js';
import { example } from '../example.js';
import { paintState } from '../output/state-colors.js';
import { renderTable } from '../output/table.js';
import { relativeTime } from '../output/time.js';
import type { RegisterCommand } from '../register-command.js';

export const registerAgents: RegisterCommand = (program) => {
  const agents = program
    .command('agents', { hidden: true })
    .description("the cluster's agents (run as `drover agent list|drain|undrain`)");
  const sub = (name: string, desc: string, ...examples: string[]) =>
    example(addClientOptions(agents.command(name).description(desc)), ...examples);

  sub(
    'list',
    'agents with state, resources used / offered and tasks',
    'drover agent list',
    'drover agent list --json',
  ).action(
    withContext(async (ctx) => {
      const list = await ctx.client.agents.list();
      if (ctx.json) return ctx.printJson({ agents: list });
      if (list.length === 0) return ctx.term.out('No agents. Start one: drover agent --master HOST:PORT');
      const now = Date.now();
      ctx.term.out(
        renderTable(
          ctx.term,
          ['ID', 'HOST', 'STATE', 'CPUS', 'MEM', 'TASKS', 'DOCKER', 'HEARTBEAT'],
          list.map((a) => [
            a.id,
            a.hostname === a.address ? a.hostname : `${a.hostname} (${a.address})`,
            paintState(ctx.term, agentState(a)),
            `${a.resources.used.cpus}/${a.resources.total.cpus}`,
            `${a.resources.used.mem}/${a.resources.total.mem}`,
            String(a.tasks.length),
            a.capabilities.docker ? 'yes' : 'no',
            relativeTime(a.lastHeartbeatAt, now),
          ]),
        ),
      );
    }),
  );
  sub(
    'drain',
    "no new tasks on the agent; its tasks move elsewhere under each app's upgrade strategy",
    'drover agent drain agent-1',
  )
    .argument('<id>', 'agent id')
    .action(withContext(async (ctx, id: string) => done(ctx, await ctx.client.agents.drain(id), 'draining')));
  sub('undrain', 'put a drained agent back in service', 'drover agent undrain agent-1')
    .argument('<id>', 'agent id')
    .action(
      withContext(async (ctx, id: string) => done(ctx, await ctx.client.agents.undrain(id), 'in service')),
    );
};

export function agentState(a: Agent): string {
  if (!a.connected) return 'disconnected';
  return a.draining ? 'draining' : 'connected';
}

function done(ctx: CommandContext, a: Agent, what: string): void {
  if (ctx.json) ctx.printJson({ agent: a });
  else ctx.term.out(`${a.id} (${a.hostname}) is ${what}`);
}
