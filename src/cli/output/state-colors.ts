/**
 * One colour per state, the same as the web UI (shared/UI-NOTES.md): running green,
 * deploying/staging blue, waiting/delayed amber, unhealthy/failed red, suspended/finished grey.
 * The word is always printed too, so colour is never the only signal.
 */
import type { Terminal } from './terminal.js';

const GREEN = /^(running|healthy|TASK_RUNNING|succeeded|success|connected|ok)$/i;
const BLUE = /^(deploying|staging|starting|TASK_STAGING|TASK_STARTING|running now|queued|[0-9]+ running)$/i;
const AMBER = /^(waiting|delayed|draining|retrying|TASK_KILLING|killing|unknown|reconnecting)$/i;
const RED =
  /^(unhealthy|failed|failure|error|TASK_FAILED|TASK_ERROR|TASK_LOST|TASK_UNREACHABLE|lost|disconnected|killed)$/i;

export function paintState(term: Terminal, state: string): string {
  if (GREEN.test(state)) return term.c.green(state);
  if (BLUE.test(state)) return term.c.blue(state);
  if (AMBER.test(state)) return term.c.yellow(state);
  if (RED.test(state)) return term.c.red(state);
  return term.c.dim(state);
}
