/**
 * `--wait`: follow a deployment (client/deployment-watch.ts) and show it. On a TTY a spinner
 * carries the live state (step, instances healthy / wanted) and changes are printed above it; off
 * a TTY (or with --json, on stderr) one plain line per change. Ends with exit 0 on success, or
 * DEPLOYMENT_FAILED (exit 7) with the reason.
 */
import type { Command } from 'commander';
import ora, { type Ora } from 'ora';
import { type AppProgress, type WatchNote, watchDeployment } from '../client/deployment-watch.js';
import type { DeploymentRef } from '../client/types.js';
import { DroverError } from '../domain/errors.js';
import type { CommandContext } from './client-options.js';
import { duration } from './output/time.js';
import { intFlag } from './parse-flags.js';

export interface WaitFlags {
  wait?: boolean;
  timeout?: number;
}

export const DEFAULT_TIMEOUT_S = 300;

/** The `--wait` / `--timeout` options every mutating command takes. */
export function addWaitOptions(cmd: Command): Command {
  return cmd
    .option('--wait', 'follow the deployment live until it succeeds (exit 0) or fails (exit 7)')
    .option(
      '--timeout <seconds>',
      `give up waiting after this long (default ${DEFAULT_TIMEOUT_S})`,
      intFlag(1, 86_400),
    );
}

export async function runDeployment(
  ctx: CommandContext,
  flags: WaitFlags,
  what: string,
  start: () => Promise<DeploymentRef | undefined>,
  opts: { quietJson?: boolean } = {},
): Promise<DeploymentRef | undefined> {
  if (!flags.wait) {
    const ref = await start();
    if (ctx.json) {
      if (!opts.quietJson) ctx.printJson(ref ?? {});
    } else if (ref?.deploymentId)
      ctx.term.out(`${what}: deployment ${ref.deploymentId} (version ${ref.version})`);
    else ctx.term.out(`${what}: nothing to deploy`);
    return ref;
  }
  const { term } = ctx;
  const c = term.c;
  const live = term.tty && !ctx.json;
  const say = ctx.json ? term.err : term.out;
  let spinner: Ora | undefined;
  let step = '';
  let apps = '';
  const print = (line: string) => {
    if (spinner) {
      spinner.clear();
      say(line);
      spinner.render();
    } else say(line);
  };
  const status = () => `${what}${step ? ` · ${step}` : ''}${apps ? ` · ${apps}` : ''}`;
  // `live` already decided this is a terminal; ora would otherwise also stop animating when a CI
  // variable is set, and the step and health updates kept in its text would never show.
  if (live) spinner = ora({ text: what, stream: process.stdout, isEnabled: true }).start();

  const onNote = (n: WatchNote) => {
    switch (n.kind) {
      case 'started':
        print(`${c.blue('→')} deployment ${n.ref.deploymentId} started (version ${n.ref.version})`);
        break;
      case 'step':
        step = `step ${n.step}/${n.total} ${n.actions.map((a) => `${a.action} ${a.app}`).join(', ')}`;
        if (spinner) spinner.text = status();
        else print(`  ${step}`);
        break;
      case 'apps': {
        const next = n.apps.map(appLine).join(', ');
        if (next === apps) return;
        apps = next;
        if (spinner) spinner.text = status();
        else print(`  ${apps}`);
        break;
      }
      case 'task':
        print(`${c.red('✗')} task ${n.taskId} ${n.state}${n.message ? `: ${n.message}` : ''}`);
        for (const l of n.stderr) print(c.dim(`    stderr | ${l}`));
        break;
      case 'unhealthy':
        print(`${c.red('✗')} task ${n.taskId} killed as unhealthy: ${n.reason}`);
        for (const l of n.stderr) print(c.dim(`    stderr | ${l}`));
        break;
    }
  };

  let result: Awaited<ReturnType<typeof watchDeployment>>;
  try {
    result = await watchDeployment(ctx.client, {
      start,
      timeoutMs: (flags.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
      onNote,
    });
  } finally {
    spinner?.stop();
  }
  const id = result.ref?.deploymentId;
  if (ctx.json && !opts.quietJson) {
    ctx.printJson({
      deploymentId: id ?? null,
      version: result.ref?.version ?? null,
      result: result.ok ? 'succeeded' : result.timedOut ? 'timeout' : 'failed',
      ...(result.reason ? { reason: result.reason } : {}),
      elapsedMs: result.elapsedMs,
    });
  }
  if (result.ok) {
    if (!ctx.json)
      term.out(
        id
          ? `${c.green('✓')} ${what}: deployment ${id} succeeded in ${duration(result.elapsedMs)}`
          : `${c.green('✓')} ${what}: nothing to deploy`,
      );
    return result.ref;
  }
  const hint =
    id && result.stillRunning
      ? `\n  The deployment goes on: drover deployment rollback ${id} (or stop ${id}).`
      : '';
  throw new DroverError(
    'DEPLOYMENT_FAILED',
    `${what}: deployment ${id ?? ''} failed: ${result.reason}.${hint}`,
  );
}

function appLine(a: AppProgress): string {
  return `${a.id} ${a.healthy}/${a.wanted} ${a.checked ? 'healthy' : 'running'}`;
}
