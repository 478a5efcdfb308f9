/** `drover job ...`: Chronos jobs, their run history and logs, and `sync` of a folder of definitions. */

import type { Job, JobInput, JobSummary } from '../../client/types.js';
import { DroverError } from '../../domain/errors.js';
import { addClientOptions, type CommandContext, withContext } from '../client-options.js';
import { jobNameOf, readDefinitions } from '../definitions.js';
import { example } from '../example.js';
import { parentsFirst, planJobSync } from '../job-sync-plan.js';
import { paintState } from '../output/state-colors.js';
import { renderFields, renderTable } from '../output/table.js';
import { absoluteTime, duration, relativeTime } from '../output/time.js';
import { intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';

/** What a GET adds that a write must not send back. */
const READ_ONLY = ['successCount', 'errorCount', 'lastSuccess', 'lastError', 'errorsSinceLastSuccess'];

export const registerJob: RegisterCommand = (program) => {
  const job = program
    .command('job')
    .description('scheduled jobs (Chronos): list, run, history, logs, sync a folder');
  example(
    job,
    'drover job list',
    'drover job run backup && drover job history backup',
    'drover job sync jobs/ --prune',
  );
  const sub = (name: string, desc: string, ...examples: string[]) =>
    example(addClientOptions(job.command(name).description(desc)), ...examples);

  sub(
    'list',
    'jobs with schedule or parents, last outcome, state and counts',
    'drover job list --json',
  ).action(
    withContext(async (ctx) => {
      const [jobs, summary] = await Promise.all([ctx.client.jobs.list(), ctx.client.jobs.summary()]);
      if (ctx.json) return ctx.printJson(jobs);
      if (jobs.length === 0) return ctx.term.out('No jobs yet. Add one: drover job add job.yaml');
      const states = new Map(summary.map((s) => [s.name, s]));
      const now = Date.now();
      ctx.term.out(
        renderTable(
          ctx.term,
          ['NAME', 'SCHEDULE / PARENTS', 'LAST', 'STATE', 'OK', 'FAILED', 'LAST RUN'],
          jobs.map((j) => [
            j.name,
            parentsOf(j).length > 0 ? `after ${parentsOf(j).join(', ')}` : (j.schedule ?? ''),
            paintState(ctx.term, lastOutcome(j, states.get(j.name))),
            paintState(ctx.term, j.disabled ? 'disabled' : (states.get(j.name)?.state ?? '-')),
            String(j.successCount),
            String(j.errorCount),
            relativeTime(latest(j.lastSuccess, j.lastError), now),
          ]),
        ),
      );
    }),
  );

  sub('show', 'one job: definition, counters, next run', 'drover job show backup')
    .argument('<name>', 'job name')
    .action(
      withContext(async (ctx, name: string) => {
        const [j, runs] = await Promise.all([
          ctx.client.jobs.show(name),
          ctx.client.jobs.runs(name, { limit: 1 }),
        ]);
        if (ctx.json) return ctx.printJson(j);
        const fields: Array<[string, string]> = [
          ['name', j.name],
          ['command', j.command],
          parentsOf(j).length > 0
            ? ['parents', parentsOf(j).join(', ')]
            : ['schedule', `${j.schedule ?? ''}${j.scheduleTimeZone ? ` (${j.scheduleTimeZone})` : ''}`],
          [
            'next run',
            j.disabled
              ? 'disabled'
              : parentsOf(j).length > 0
                ? 'after its parents succeed'
                : absoluteTime(runs.nextDueAt),
          ],
          ['resources', `cpus ${j.cpus}, mem ${j.mem} MB, disk ${j.disk} MB`],
          ['retries', String(j.retries)],
          ['successes', `${j.successCount} (last ${absoluteTime(j.lastSuccess)})`],
          ['failures', `${j.errorCount} (last ${absoluteTime(j.lastError)})`],
        ];
        if (j.owner) fields.push(['owner', j.owner]);
        if (j.description) fields.push(['description', j.description]);
        ctx.term.out(renderFields(ctx.term, fields));
      }),
    );

  sub(
    'add',
    'add jobs from a JSON/YAML file, a directory or - (refused if a job exists)',
    'drover job add backup.yaml',
  )
    .argument('<file>', 'file, directory or -')
    .action(withContext(async (ctx, file: string) => writeJobs(ctx, file, 'add')));

  sub('update', 'replace existing jobs from a file, a directory or -', 'drover job update backup.yaml')
    .argument('<file>', 'file, directory or -')
    .action(withContext(async (ctx, file: string) => writeJobs(ctx, file, 'update')));

  sub(
    'run',
    'start a run now (a manual run; dependents follow when it succeeds)',
    'drover job run backup',
    'drover job run report --arg 2026-01',
  )
    .argument('<name>', 'job name')
    .option(
      '--arg <value>',
      'argument appended to the command (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(
      withContext(async (ctx, name: string, opts: { arg?: string[] }) => {
        await ctx.client.jobs.start(name, opts.arg);
        if (ctx.json) return ctx.printJson({ job: name, started: true });
        ctx.term.out(`started a run of ${name}: drover job history ${name}`);
      }),
    );

  sub('remove', 'delete a job', 'drover job remove backup')
    .argument('<name>', 'job name')
    .action(
      withContext(async (ctx, name: string) => {
        await ctx.client.jobs.show(name); // 404 with the job's name, rather than Chronos's silent 204
        await ctx.client.jobs.remove(name);
        if (ctx.json) return ctx.printJson({ job: name, removed: true });
        ctx.term.out(`removed ${name}`);
      }),
    );

  sub(
    'history',
    "a job's runs, newest first: trigger, outcome, attempts, queue delay, run time",
    'drover job history backup --limit 5',
  )
    .argument('<name>', 'job name')
    .option('--limit <n>', 'how many runs', intFlag(1, 10_000), 20)
    .action(
      withContext(async (ctx, name: string, opts: { limit: number }) => {
        const r = await ctx.client.jobs.runs(name, { limit: opts.limit });
        if (ctx.json) return ctx.printJson(r);
        if (r.runs.length === 0) ctx.term.out(`${name} has not run yet. Start it: drover job run ${name}`);
        else {
          const now = Date.now();
          const ms = (v: number | null) => (v === null ? '-' : duration(v));
          ctx.term.out(
            renderTable(
              ctx.term,
              ['RUN (DUE)', 'TRIGGER', 'OUTCOME', 'ATTEMPTS', 'QUEUED', 'RAN', 'EXIT', 'MESSAGE'],
              r.runs.map((run) => [
                `${run.dueAtMs} (${relativeTime(run.dueAt, now)})`,
                run.trigger,
                paintState(ctx.term, run.outcome),
                String(run.attempt),
                ms(run.queueDelayMs),
                ms(run.runTimeMs),
                run.exitCode === null ? '-' : String(run.exitCode),
                run.message ?? run.skipDetail ?? run.lateDetail ?? '',
              ]),
            ),
          );
        }
        if (r.nextDueAt)
          ctx.term.out(
            ctx.term.c.dim(
              `next run ${absoluteTime(r.nextDueAt)} (${relativeTime(r.nextDueAt, Date.now())})`,
            ),
          );
      }),
    );

  sub(
    'logs',
    "a run's output (default: the latest run, last attempt)",
    'drover job logs backup',
    'drover job logs backup 1767225600000 --stderr',
  )
    .argument('<name>', 'job name')
    .argument('[run]', 'the run, by its due time (epoch ms or ISO) from `drover job history`')
    .option('--stderr', 'stderr instead of stdout')
    .option('--tail <n>', 'only the last n lines', intFlag(0, 100_000))
    .option('--attempt <n>', 'one attempt of the run (default: the last)', intFlag(1, 1000))
    .action(
      withContext(
        async (
          ctx,
          name: string,
          run: string | undefined,
          opts: { stderr?: boolean; tail?: number; attempt?: number },
        ) => {
          let due: string | number | undefined = run;
          if (due === undefined) {
            const latestRun = (await ctx.client.jobs.runs(name, { limit: 1 })).runs[0];
            if (!latestRun)
              throw new DroverError(
                'NOT_FOUND',
                `${name} has no runs yet (start one: drover job run ${name})`,
              );
            due = latestRun.dueAtMs;
          }
          const text = await ctx.client.jobs.runLogs(name, due, {
            stream: opts.stderr ? 'stderr' : 'stdout',
            ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
            ...(opts.attempt !== undefined ? { attempt: opts.attempt } : {}),
          });
          if (ctx.json)
            return ctx.printJson({ job: name, run: due, stream: opts.stderr ? 'stderr' : 'stdout', text });
          process.stdout.write(text);
        },
      ),
    );

  sub(
    'graph',
    'the dependency graph: a tree, or Graphviz with --dot',
    'drover job graph',
    'drover job graph --dot | dot -Tsvg > jobs.svg',
  )
    .option('--dot', 'Graphviz dot (as Chronos /graph/dot)')
    .action(
      withContext(async (ctx, opts: { dot?: boolean }) => {
        if (opts.dot) return void process.stdout.write(await ctx.client.jobs.graphDot());
        const jobs = await ctx.client.jobs.list();
        if (ctx.json)
          return ctx.printJson({
            nodes: jobs.map((j) => j.name),
            edges: jobs.flatMap((j) => parentsOf(j).map((p) => ({ from: p, to: j.name }))),
          });
        for (const line of graphLines(jobs)) ctx.term.out(line);
      }),
    );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    sub(verb, `${verb} a job's schedule (its definition is kept)`, `drover job ${verb} backup`)
      .argument('<name>', 'job name')
      .action(
        withContext(async (ctx, name: string) => {
          const j = await ctx.client.jobs.show(name);
          await ctx.client.jobs.put({ ...writable(j), disabled });
          if (ctx.json) return ctx.printJson({ job: name, disabled });
          ctx.term.out(`${name} ${disabled ? 'disabled' : 'enabled'}`);
        }),
      );
  }

  sub(
    'sync',
    'make the scheduler hold exactly the jobs in DIR (parents written first); --prune removes the others',
    'drover job sync jobs/ --dry-run',
    'drover job sync jobs/ --prune',
  )
    .argument('<dir>', 'directory (or file, or -) of JSON/YAML job definitions')
    .option('--prune', 'remove jobs that are not in DIR (children first)')
    .option('--dry-run', 'show the plan, change nothing')
    .action(
      withContext(async (ctx, dir: string, opts: { prune?: boolean; dryRun?: boolean }) => {
        const { definitions } = await readDefinitions(dir, 'jobs');
        const wanted = toJobInputs(definitions);
        const plan = planJobSync(wanted, await ctx.client.jobs.list(), Boolean(opts.prune));
        const say = ctx.json ? ctx.term.err : ctx.term.out;
        const { c } = ctx.term;
        for (const step of plan.write)
          say(`${step.action === 'add' ? c.green('+') : c.yellow('~')} ${step.name}`);
        for (const name of plan.remove) say(`${c.red('-')} ${name}`);
        say(
          c.dim(
            `${plan.write.length} to write, ${plan.remove.length} to remove, ${plan.unchanged.length} unchanged`,
          ),
        );
        if (!opts.dryRun) {
          for (const step of plan.write) await ctx.client.jobs.put(step.job);
          for (const name of plan.remove) await ctx.client.jobs.remove(name);
        }
        if (ctx.json)
          ctx.printJson({
            write: plan.write.map((w) => ({ name: w.name, action: w.action })),
            remove: plan.remove,
            unchanged: plan.unchanged,
            dryRun: Boolean(opts.dryRun),
          });
      }),
    );
};

function toJobInputs(defs: Awaited<ReturnType<typeof readDefinitions>>['definitions']): JobInput[] {
  const seen = new Map<string, string>();
  return defs.map((d) => {
    const name = jobNameOf(d);
    const other = seen.get(name);
    if (other) throw new DroverError('USAGE', `job ${name} is defined twice (${other} and ${d.source})`);
    seen.set(name, d.source);
    return d.value as JobInput;
  });
}

async function writeJobs(ctx: CommandContext, file: string, mode: 'add' | 'update'): Promise<void> {
  const { definitions } = await readDefinitions(file, 'jobs');
  const wanted = new Map(toJobInputs(definitions).map((j) => [j.name, j]));
  const existing = new Set((await ctx.client.jobs.list()).map((j) => j.name));
  for (const name of wanted.keys()) {
    if (mode === 'add' && existing.has(name))
      throw new DroverError('CONFLICT', `job ${name} already exists (use drover job update)`);
    if (mode === 'update' && !existing.has(name))
      throw new DroverError('JOB_NOT_FOUND', `Job '${name}' not found (use drover job add)`);
  }
  const order = parentsFirst(wanted, (j) => (Array.isArray(j.parents) ? j.parents : []));
  for (const name of order) await ctx.client.jobs.put(wanted.get(name)!);
  if (ctx.json) return ctx.printJson({ [mode === 'add' ? 'added' : 'updated']: order });
  for (const name of order) ctx.term.out(`${mode === 'add' ? 'added' : 'updated'} ${name}`);
}

const parentsOf = (j: Job): string[] => j.parents ?? [];

function writable(j: Job): JobInput {
  const out = { ...j } as Record<string, unknown>;
  for (const k of READ_ONLY) delete out[k];
  return out as JobInput;
}

function lastOutcome(j: Job, s: JobSummary | undefined): string {
  return s?.status ?? (j.lastError === '' && j.lastSuccess === '' ? 'fresh' : 'success');
}

function latest(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return Date.parse(a) > Date.parse(b) ? a : b;
}

/** Roots (scheduled jobs) with their dependents indented below. */
export function graphLines(jobs: Job[]): string[] {
  const children = new Map<string, string[]>();
  for (const j of jobs) for (const p of parentsOf(j)) children.set(p, [...(children.get(p) ?? []), j.name]);
  const lines: string[] = [];
  const walk = (name: string, depth: number, seen: Set<string>) => {
    lines.push(`${'  '.repeat(depth)}${depth > 0 ? '└─ ' : ''}${name}`);
    if (seen.has(name)) return;
    for (const c of (children.get(name) ?? []).sort()) walk(c, depth + 1, new Set([...seen, name]));
  };
  for (const j of jobs.filter((x) => parentsOf(x).length === 0).sort((a, b) => (a.name < b.name ? -1 : 1)))
    walk(j.name, 0, new Set());
  return lines;
}
