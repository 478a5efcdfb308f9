/**
 * `app update` / `deploy`: make the master hold these app definitions, as one deployment
 * (PUT /v2/apps); with `--prune`, also remove the apps the definitions do not list, after showing
 * the plan. The plan compares only the fields a definition gives, so defaults the master filled
 * in do not count as changes.
 */
import { createInterface } from 'node:readline/promises';
import type { App, AppInput, DeploymentRef } from '../client/types.js';
import { DroverError } from '../domain/errors.js';
import type { CommandContext } from './client-options.js';
import { appIdOf, type Definition } from './definitions.js';
import { runDeployment, type WaitFlags } from './deployment-progress.js';

export interface ApplyFlags extends WaitFlags {
  prune?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export interface AppPlan {
  create: string[];
  update: string[];
  unchanged: string[];
  remove: string[];
}

/** What applying `wanted` to `current` would do (pure). */
export function planApps(wanted: AppInput[], current: App[], prune: boolean): AppPlan {
  const byId = new Map(current.map((a) => [a.id, a]));
  const plan: AppPlan = { create: [], update: [], unchanged: [], remove: [] };
  for (const w of wanted) {
    const have = byId.get(w.id);
    if (!have) plan.create.push(w.id);
    else if (
      Object.entries(w).some(
        ([k, v]) =>
          k !== 'id' && JSON.stringify(v) !== JSON.stringify((have as unknown as Record<string, unknown>)[k]),
      )
    )
      plan.update.push(w.id);
    else plan.unchanged.push(w.id);
  }
  if (prune) {
    const keep = new Set(wanted.map((w) => w.id));
    plan.remove = current.map((a) => a.id).filter((id) => !keep.has(id));
  }
  return plan;
}

export function toAppInputs(defs: Definition[]): AppInput[] {
  const seen = new Map<string, string>();
  return defs.map((d) => {
    const id = appIdOf(d);
    const other = seen.get(id);
    if (other) throw new DroverError('USAGE', `app ${id} is defined twice (${other} and ${d.source})`);
    seen.set(id, d.source);
    return { ...d.value, id } as AppInput;
  });
}

export async function applyApps(
  ctx: CommandContext,
  defs: Definition[],
  flags: ApplyFlags,
  verb: string,
): Promise<void> {
  const wanted = toAppInputs(defs);
  const plan = planApps(wanted, await ctx.client.apps.list(), Boolean(flags.prune));
  const { c } = ctx.term;
  const show = ctx.json ? ctx.term.err : ctx.term.out;
  if (!ctx.json || flags.dryRun) {
    for (const id of plan.create) show(`${c.green('+')} ${id}`);
    for (const id of plan.update) show(`${c.yellow('~')} ${id}`);
    for (const id of plan.remove) show(`${c.red('-')} ${id}`);
    if (plan.create.length + plan.update.length + plan.remove.length === 0) show('no changes');
  }
  if (flags.dryRun) {
    if (ctx.json) ctx.printJson(plan);
    return;
  }
  if (plan.remove.length > 0 && !flags.yes)
    await confirm(ctx, `Remove ${plan.remove.length} app(s) not in the definitions?`);

  const changed = wanted.filter((w) => !plan.unchanged.includes(w.id));
  const refs: DeploymentRef[] = [];
  const force = Boolean(flags.force);
  // One JSON document at the end (the plan and its deployments), not one per deployment.
  const quietJson = true;
  if (changed.length > 0) {
    const ref = await runDeployment(ctx, flags, verb, () => ctx.client.apps.updateMany(changed, { force }), {
      quietJson,
    });
    if (ref) refs.push(ref);
  }
  for (const id of plan.remove) {
    const ref = await runDeployment(ctx, flags, `remove ${id}`, () => ctx.client.apps.remove(id, { force }), {
      quietJson,
    });
    if (ref) refs.push(ref);
  }
  if (ctx.json) ctx.printJson({ ...plan, deployments: refs });
}

async function confirm(ctx: CommandContext, question: string): Promise<void> {
  if (!process.stdin.isTTY || !ctx.term.tty) {
    throw new DroverError(
      'USAGE',
      `${question} Not on a terminal: add --yes to confirm (or --dry-run to only show the plan).`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new DroverError('USAGE', 'cancelled: nothing changed');
  } finally {
    rl.close();
  }
}
