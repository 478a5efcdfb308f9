/** `drover events [--type T...]`: the live event stream, one human line per event or NDJSON. */
import type { ServerEvent } from '../../client/event-stream.js';
import { addClientOptions, type CommandContext, withContext } from '../client-options.js';
import { example } from '../example.js';
import { paintState } from '../output/state-colors.js';
import type { RegisterCommand } from '../register-command.js';

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter((s) => s !== '')];

export const registerEvents: RegisterCommand = (program) => {
  example(
    addClientOptions(
      program
        .command('events')
        .description(
          "the master's live event stream (/v2/events): one line per event, NDJSON with --json; reconnects and resumes",
        ),
    ),
    'drover events --type status_update_event --type deployment_success',
    'drover events --json | jq .eventType',
  )
    .option('--type <type>', 'only this event type (repeatable, or comma-separated)', collect)
    .action(
      withContext(async (ctx, opts: { type?: string[] }) => {
        let fatal: Error | undefined;
        const stream = ctx.client.events({
          ...(opts.type ? { types: opts.type } : {}),
          onEvent: (e) => ctx.term.out(ctx.json ? JSON.stringify(e.data) : eventLine(ctx, e)),
          onState: (s, err) => {
            if (s === 'closed' && err) fatal = err;
            if (s === 'reconnecting')
              ctx.term.err(`drover: event stream lost (${err?.message ?? 'ended'}); reconnecting...`);
            if (s === 'open' && !ctx.json && ctx.term.tty)
              ctx.term.err(ctx.term.c.dim(`connected to ${ctx.url}/v2/events (Ctrl-C to stop)`));
          },
          onComment: (text) => ctx.term.err(`drover: ${text}`),
        });
        const stop = () => stream.close();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await stream.closed();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        // A refused stream (bad credentials, say) ends the command with that error's status.
        if (fatal) throw fatal;
      }),
    );
};

/** `12:03:04 status_update_event /web web.1a2b TASK_RUNNING on 127.0.0.1` */
export function eventLine(ctx: CommandContext, e: ServerEvent): string {
  const d = e.data as Record<string, unknown>;
  const time = String(d.timestamp ?? '').slice(11, 19);
  const s = (k: string) => (d[k] === undefined || d[k] === null ? '' : String(d[k]));
  const plan = d.plan as { id?: string } | undefined;
  let what: string;
  switch (e.type) {
    case 'status_update_event':
      what = `${s('appId')} ${s('taskId')} ${paintState(ctx.term, s('taskStatus'))}${s('host') ? ` on ${s('host')}` : ''}${s('message') ? ` (${s('message')})` : ''}`;
      break;
    case 'instance_changed_event':
      what = `${s('runSpecId')} ${s('instanceId')} ${s('condition')}`;
      break;
    case 'health_status_changed_event':
      what = `${s('appId')} ${s('instanceId')} ${paintState(ctx.term, d.alive ? 'healthy' : 'unhealthy')}`;
      break;
    case 'instance_health_changed_event':
      what = `${s('runSpecId')} ${s('instanceId')} ${paintState(ctx.term, d.healthy === null ? 'unknown' : d.healthy ? 'healthy' : 'unhealthy')}`;
      break;
    case 'unhealthy_instance_kill_event':
    case 'unhealthy_task_kill_event':
      what = `${s('appId')} ${s('taskId')} killed: ${s('reason')}`;
      break;
    case 'add_health_check_event':
    case 'remove_health_check_event': {
      const hc = d.healthCheck as { protocol?: string } | undefined;
      what = `${s('appId')} ${s('version')} ${hc?.protocol ?? ''}`.replace(/ +/g, ' ');
      break;
    }
    case 'unknown_instance_terminated_event':
      what = `${s('runSpecId')} ${s('instanceId')} ${s('condition')}`;
      break;
    case 'failed_health_check_event':
      what = `${s('appId')} ${s('instanceId')}`;
      break;
    case 'deployment_info':
    case 'deployment_step_success':
    case 'deployment_step_failure': {
      const step = d.currentStep as { actions?: Array<{ action: string; app: string }> } | undefined;
      what = `${plan?.id ?? ''} ${(step?.actions ?? []).map((a) => `${a.action} ${a.app}`).join(', ')}`;
      break;
    }
    case 'deployment_success':
    case 'deployment_failed':
      what = s('id');
      break;
    case 'api_post_event':
      what = `${s('uri')} ${(d.appDefinition as { id?: string } | undefined)?.id ?? ''} from ${s('clientIp')}`;
      break;
    case 'app_terminated_event':
      what = s('appId');
      break;
    case 'group_change_success':
    case 'group_change_failed':
      what = `${s('groupId')} ${s('version')}${s('reason') ? ` ${s('reason')}` : ''}`;
      break;
    case 'event_stream_attached':
    case 'event_stream_detached':
      what = s('remoteAddress');
      break;
    default:
      what = JSON.stringify(d);
  }
  return `${ctx.term.c.dim(time)} ${ctx.term.c.bold(e.type)} ${what}`.trimEnd();
}
