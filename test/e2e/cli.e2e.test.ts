/**
 * The `drover` CLI (issue 11) as a user runs it: the built binary as a subprocess against a real
 * `drover up` (own port, own data dir, an API token). Every command with and without --json (the
 * JSON parsed and checked), each exit-status class, deploy --wait of a healthy and of a failing
 * app, logs -f, job sync ordering and prune, YAML and stdin input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunningCli, runCli } from './support/cli-run.js';
import { DroverProcess } from './support/drover-process.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'cli-e2e-token';
let drover: DroverProcess;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'drover-cli-e2e-'));

const cli = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { env: { ...env, ...opts.env }, ...(opts.input !== undefined ? { input: opts.input } : {}) });

async function ok(args: string[], opts: { input?: string } = {}): Promise<string> {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `drover ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}
async function json<T = Record<string, unknown>>(args: string[], opts: { input?: string } = {}): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], opts)) as T;
}
async function fails(
  args: string[],
  code: number,
  message: RegExp,
  opts: { env?: Record<string, string>; input?: string } = {},
) {
  const r = await cli(args, opts);
  assert.equal(r.code, code, `drover ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message);
  return r;
}

const file = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

before(async () => {
  drover = await DroverProcess.start({
    args: ['--docker', 'off', '--api-token', TOKEN],
    env: { DROVER_API_TOKEN: '' },
  });
  env = { DROVER_URL: drover.url, DROVER_API_TOKEN: TOKEN };
});
after(async () => {
  await drover?.cleanup?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('drover CLI against drover up', { concurrency: false }, () => {
  it('status: a summary, and --json with agents, apps and jobs', async () => {
    const out = await ok(['status']);
    assert.match(out, /agents:\s+2\/2 connected/);
    const s = await json<{ agents: { connected: number }; apps: { total: number }; leader: string }>([
      'status',
    ]);
    assert.equal(s.agents.connected, 2);
    assert.equal(typeof s.leader, 'string');
  });

  it('deploy --wait of a healthy app from YAML: live steps, healthy counts, exit 0', async () => {
    const web = file(
      'web.yaml',
      [
        'id: /cli/web',
        'cmd: node examples/http-echo.js',
        'instances: 2',
        'cpus: 0.05',
        'mem: 32',
        'healthChecks:',
        '  - protocol: HTTP',
        '    path: /',
        '    gracePeriodSeconds: 30',
        '    intervalSeconds: 1',
      ].join('\n'),
    );
    const out = await ok(['deploy', web, '--wait', '--timeout', '120']);
    assert.match(out, /\+ \/cli\/web/);
    assert.match(out, /step 1\/\d StartApplication \/cli\/web/);
    assert.match(out, /\/cli\/web [0-2]\/2 healthy/);
    assert.match(out, /deployment \S+ succeeded/);
    const apps = await json<{ apps: Array<{ id: string; tasksHealthy: number }> }>(['app', 'list']);
    assert.equal(apps.apps.find((a) => a.id === '/cli/web')?.tasksHealthy, 2);
    assert.match(await ok(['app', 'list']), /\/cli\/web\s+running\s+2\/2 \(2 healthy\)/);
  });

  it('deploy --wait of an app whose health check fails: exit 7 with the reason and its stderr', async () => {
    const bad = file(
      'bad.json',
      JSON.stringify({
        id: '/cli/bad',
        cmd: "echo 'config missing: /etc/bad.conf' >&2; node examples/http-echo.js",
        cpus: 0.05,
        mem: 32,
        healthChecks: [
          {
            protocol: 'HTTP',
            path: '/',
            port: 1,
            gracePeriodSeconds: 1,
            intervalSeconds: 1,
            timeoutSeconds: 1,
            maxConsecutiveFailures: 1,
          },
        ],
      }),
    );
    const r = await cli(['deploy', bad, '--wait', '--timeout', '120']);
    assert.equal(r.code, 7, r.stdout + r.stderr);
    assert.match(r.stdout, /killed as unhealthy/);
    assert.match(r.stdout, /stderr \| config missing: \/etc\/bad\.conf/);
    assert.match(r.stderr, /deployment \S+ failed: 3 task failures.*unhealthy/);
    assert.match(r.stderr, /drover deployment rollback/);
    await ok(['app', 'remove', '/cli/bad', '--force', '--wait']);
  });

  it('app show, tasks, scale, restart, versions, diff, rollback, kill, with and without --json', async () => {
    assert.match(await ok(['app', 'show', '/cli/web']), /instances:\s+2\/2 \(2 healthy\)/);
    const shown = await json<{ app: { id: string; tasks: unknown[] } }>(['app', 'show', 'cli/web']);
    assert.equal(shown.app.tasks.length, 2);
    assert.match(await ok(['app', 'tasks', '/cli/web']), /TASK_RUNNING\s+healthy/);
    const tasks = await json<{ tasks: Array<{ id: string }> }>(['app', 'tasks', '/cli/web']);
    assert.equal(tasks.tasks.length, 2);

    assert.match(
      await ok(['app', 'scale', '/cli/web', '3', '--wait']),
      /\/cli\/web [0-3]\/3 healthy[\s\S]*succeeded/,
    );
    const restart = await json<{ result: string; deploymentId: string }>([
      'app',
      'restart',
      '/cli/web',
      '--wait',
    ]);
    assert.equal(restart.result, 'succeeded');
    const versions = await json<{ versions: string[] }>(['app', 'versions', '/cli/web']);
    assert.ok(versions.versions.length >= 2);
    assert.match(await ok(['app', 'versions', '/cli/web']), /ago/);
    assert.match(
      await ok(['app', 'diff', '/cli/web', versions.versions.at(-1)!]),
      /- \/instances: 2\n\+ \/instances: 3/,
    );
    const diff = await json<{ changes: Array<{ path: string; old: number; new: number }> }>([
      'app',
      'diff',
      '/cli/web',
      versions.versions.at(-1)!,
    ]);
    assert.deepEqual(diff.changes, [{ path: '/instances', old: 2, new: 3 }]);
    assert.match(await ok(['app', 'rollback', '/cli/web', versions.versions.at(-1)!, '--wait']), /succeeded/);
    assert.equal((await json<{ app: { instances: number } }>(['app', 'show', '/cli/web'])).app.instances, 2);

    const [victim] = (await json<{ tasks: Array<{ id: string }> }>(['app', 'tasks', '/cli/web'])).tasks;
    const killed = await json<{ result: string }>(['app', 'kill', victim!.id, '--scale', '--wait']);
    assert.equal(killed.result, 'succeeded');
    assert.equal((await json<{ app: { instances: number } }>(['app', 'show', '/cli/web'])).app.instances, 1);
  });

  it('app add from stdin (-), then logs, logs --json and logs -f getting a line written after it started', async () => {
    const ticker = {
      id: '/cli/ticker',
      cmd: 'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "err $i" >&2; sleep 0.5; done',
      cpus: 0.05,
      mem: 16,
      portDefinitions: [],
    };
    const added = await json<{ id: string }>(['app', 'add', '-', '--wait'], {
      input: JSON.stringify(ticker),
    });
    assert.equal(added.id, '/cli/ticker');
    await waitFor(async () => (await ok(['app', 'logs', '/cli/ticker'])).includes('tick 2'), {
      what: 'two ticks',
    });
    assert.match(await ok(['app', 'logs', '/cli/ticker', '--stderr', '--tail', '1']), /^err \d+\n$/);
    const lines = (await ok(['app', 'logs', '/cli/ticker', '--tail', '2', '--json']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].stream, 'stdout');
    assert.match(lines[0].line, /^tick \d+$/);

    const follow = new RunningCli(['app', 'logs', '/cli/ticker', '-f', '--tail', '1'], env);
    try {
      // The first line is the tail; lines after it were written while -f was running.
      const ticks = () => [...follow.stdout.matchAll(/tick (\d+)\n/g)].map((m) => Number(m[1]));
      await waitFor(() => ticks().length >= 4, { what: 'new lines from logs -f', timeoutMs: 60_000 });
      const seen = ticks();
      // Each line once, in order, with nothing skipped.
      for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[i - 1]! + 1, follow.stdout);
      assert.doesNotMatch(follow.stdout, /err \d/, 'stdout only');
    } finally {
      assert.equal(await follow.stop(), 0, follow.stderr);
    }
    await ok(['app', 'remove', '/cli/ticker']);
  });

  it('app update of a directory with --prune shows the plan and needs --yes off a terminal', async () => {
    file('tree/a.yaml', 'id: /prune/a\ncmd: sleep 1000\ncpus: 0.01\nmem: 8\ninstances: 0\n');
    file(
      'tree/b.json',
      JSON.stringify({ id: '/prune/b', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 0 }),
    );
    const plan = await json<{ create: string[] }>(['app', 'update', join(dir, 'tree'), '--wait']);
    assert.deepEqual(plan.create.sort(), ['/prune/a', '/prune/b']);
    rmSync(join(dir, 'tree/b.json'));
    const r = await cli(['app', 'update', join(dir, 'tree'), '--prune']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /- \/prune\/b/);
    assert.match(r.stderr, /add --yes/);
    assert.match(r.stdout, /- \/cli\/web/, 'apps outside the directory are in the plan too');
    const dry = await json<{ remove: string[] }>([
      'app',
      'update',
      join(dir, 'tree'),
      '--prune',
      '--dry-run',
    ]);
    assert.ok(dry.remove.includes('/prune/b'));
    await ok(['app', 'remove', '/prune/b', '--wait']);
    await ok(['app', 'remove', '/prune/a', '--wait']);
  });

  it('deployment list, rollback and stop', async () => {
    const stuck = file(
      'stuck.json',
      JSON.stringify({
        id: '/cli/stuck',
        cmd: 'sleep 1000',
        cpus: 0.01,
        mem: 8,
        healthChecks: [
          { protocol: 'COMMAND', command: { value: 'false' }, gracePeriodSeconds: 600, intervalSeconds: 5 },
        ],
      }),
    );
    // deploy --json: the plan and the deployments it started.
    const first = (await json<{ deployments: Array<{ deploymentId: string }> }>(['deploy', stuck]))
      .deployments[0]!;
    const list = await json<Array<{ id: string; affectedApps: string[] }>>(['deployment', 'list']);
    assert.deepEqual(list.find((d) => d.id === first.deploymentId)?.affectedApps, ['/cli/stuck']);
    assert.match(await ok(['deployment', 'list']), new RegExp(`${first.deploymentId}\\s+/cli/stuck`));
    const back = await json<{ result: string }>(['deployment', 'rollback', first.deploymentId, '--wait']);
    assert.equal(back.result, 'succeeded');
    const second = (
      await json<{ deployments: Array<{ deploymentId: string }> }>(['deploy', stuck, '--force'])
    ).deployments[0]!;
    assert.match(await ok(['deployment', 'stop', second.deploymentId]), /stopped/);
    assert.equal((await json<unknown[]>(['deployment', 'list'])).length, 0);
    await ok(['app', 'remove', '/cli/stuck', '--force']);
  });

  it('agent list, drain and undrain; `drover agent` alone is still the agent process', async () => {
    const { agents } = await json<{ agents: Array<{ id: string; draining: boolean }> }>(['agent', 'list']);
    assert.equal(agents.length, 2);
    assert.match(await ok(['agent', 'list']), /local-agent-1\s+127\.0\.0\.1\s+connected/);
    const id = agents[1]!.id;
    assert.match(await ok(['agent', 'drain', id]), /is draining/);
    assert.equal(
      (await json<{ agent: { draining: boolean } }>(['agent', 'undrain', id])).agent.draining,
      false,
    );
    await fails(['agent', '--token', 'x'], 2, /required option '--master/);
  });

  it('job sync creates a dependency chain parents first, --prune removes an extra job; the job commands', async () => {
    // File names sort children first: the order must come from the dependencies.
    file(
      'jobs/a-grandchild.yaml',
      'name: cli-grandchild\ncommand: echo grandchild\nparents: [cli-child]\ncpus: 0.05\nmem: 16\n',
    );
    file(
      'jobs/b-child.json',
      JSON.stringify({
        name: 'cli-child',
        command: 'echo child',
        parents: ['cli-root'],
        cpus: 0.05,
        mem: 16,
      }),
    );
    file(
      'jobs/c-root.yaml',
      'name: cli-root\ncommand: echo root out; echo root err >&2\nschedule: R/2030-01-01T00:00:00Z/PT1H\ncpus: 0.05\nmem: 16\n',
    );
    const plan = await json<{ write: Array<{ name: string; action: string }> }>([
      'job',
      'sync',
      join(dir, 'jobs'),
    ]);
    assert.deepEqual(plan.write, [
      { name: 'cli-root', action: 'add' },
      { name: 'cli-child', action: 'add' },
      { name: 'cli-grandchild', action: 'add' },
    ]);
    assert.match(await ok(['job', 'sync', join(dir, 'jobs')]), /0 to write, 0 to remove, 3 unchanged/);

    const jobs = await json<Array<{ name: string; parents?: string[] }>>(['job', 'list']);
    assert.deepEqual(jobs.find((j) => j.name === 'cli-grandchild')?.parents, ['cli-child']);
    assert.match(await ok(['job', 'list']), /cli-child\s+after cli-root/);
    assert.match(await ok(['job', 'graph']), /cli-root\n\s+└─ cli-child\n\s+└─ cli-grandchild/);
    assert.match(await ok(['job', 'graph', '--dot']), /digraph/);
    assert.equal((await json<{ edges: unknown[] }>(['job', 'graph'])).edges.length, 2);
    assert.match(await ok(['job', 'show', 'cli-root']), /schedule:\s+R\/2030/);
    assert.equal((await json<{ name: string }>(['job', 'show', 'cli-child'])).name, 'cli-child');

    assert.match(await ok(['job', 'run', 'cli-root']), /started a run/);
    const history = await waitFor(
      async () => {
        const h = await json<{ runs: Array<{ outcome: string; dueAtMs: number }> }>([
          'job',
          'history',
          'cli-root',
        ]);
        return h.runs[0]?.outcome === 'succeeded' && h;
      },
      { what: 'the run to succeed', timeoutMs: 60_000 },
    );
    assert.match(await ok(['job', 'history', 'cli-root']), /manual\s+succeeded/);
    assert.equal(await ok(['job', 'logs', 'cli-root']), 'root out\n');
    assert.equal(
      await ok(['job', 'logs', 'cli-root', String(history.runs[0]!.dueAtMs), '--stderr']),
      'root err\n',
    );
    await waitFor(
      async () => (await json<{ runs: unknown[] }>(['job', 'history', 'cli-grandchild'])).runs.length > 0,
      {
        what: 'the dependents to run',
        timeoutMs: 60_000,
      },
    );

    assert.match(await ok(['job', 'disable', 'cli-root']), /disabled/);
    assert.equal((await json<{ disabled: boolean }>(['job', 'show', 'cli-root'])).disabled, true);
    assert.equal((await json<{ disabled: boolean }>(['job', 'enable', 'cli-root'])).disabled, false);

    await ok([
      'job',
      'add',
      file('extra.yaml', 'name: cli-extra\ncommand: echo extra\nschedule: R/2030-01-01T00:00:00Z/PT1H\n'),
    ]);
    await fails(['job', 'add', join(dir, 'extra.yaml')], 4, /already exists/);
    await ok(['job', 'update', join(dir, 'extra.yaml')]);
    const pruned = await json<{ remove: string[] }>(['job', 'sync', join(dir, 'jobs'), '--prune']);
    assert.ok(pruned.remove.includes('cli-extra'));
    await fails(['job', 'show', 'cli-extra'], 3, /not found/);

    assert.match(await ok(['job', 'remove', 'cli-grandchild']), /removed/);
    await fails(['job', 'remove', 'cli-grandchild'], 3, /not found/);
  });

  it('events: human lines and NDJSON, filtered by type', async () => {
    const human = new RunningCli(['events', '--type', 'api_post_event'], env);
    const nd = new RunningCli(['events', '--type', 'api_post_event', '--json'], env);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // both streams connect; what follows is replayed anyway
      await ok(['app', 'add', '-'], {
        input: JSON.stringify({ id: '/cli/ev', cmd: 'sleep 1000', instances: 0, cpus: 0.01, mem: 8 }),
      });
      await waitFor(() => nd.stdout.includes('\n'), { what: 'an NDJSON event' });
      const event = JSON.parse(nd.stdout.split('\n')[0]!);
      assert.equal(event.eventType, 'api_post_event');
      assert.equal(event.appDefinition.id, '/cli/ev');
      await waitFor(() => /api_post_event \/v2\/apps \/cli\/ev/.test(human.stdout), {
        what: 'a human event line',
      });
    } finally {
      await human.stop();
      await nd.stop();
    }
    await ok(['app', 'remove', '/cli/ev']);
  });

  it('exit statuses: 1 generic, 2 usage, 3 not found, 4 conflict, 5 invalid (with paths), 6 unreachable, 8 auth', async () => {
    // 1: an answer the registry has no class for (a 500 from whatever listens there), message shown.
    const broken = createHttpServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'disk on fire' }));
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      await fails(['app', 'list'], 1, /disk on fire/, { env: { DROVER_URL: brokenUrl } });
    } finally {
      broken.close();
    }
    await fails(['app', 'scale', '/cli/web', 'lots'], 2, /expected an integer/);
    await fails(['app', 'nosuch'], 2, /unknown command/);
    await fails(['completion', 'tcsh'], 2, /unknown shell/);
    await fails(['app', 'show', '/nope'], 3, /App '\/nope' does not exist/);
    await fails(['app', 'add', '-'], 4, /already exists/, { input: 'id: /cli/web\ncmd: x\n' });
    const invalid = await cli(['app', 'add', '-'], {
      input: JSON.stringify({ id: '/cli/x', cmd: 'x', instances: -1, mem: 'lots' }),
    });
    assert.equal(invalid.code, 5, invalid.stderr);
    assert.match(invalid.stderr, /\/instances: /);
    assert.match(invalid.stderr, /\/mem: /);
    await fails(['app', 'add', '-'], 5, /stdin is not valid YAML/, { input: 'id: [unclosed\n' });
    await fails(['app', 'add', '-'], 2, /stdin is empty/, { input: '' });

    const port = await closedPort();
    const gone = await fails(
      ['status'],
      6,
      new RegExp(`cannot reach a master at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
      {
        env: { DROVER_URL: `http://127.0.0.1:${port}` },
      },
    );
    assert.match(gone.stderr, /drover up/);
    await fails(['app', 'list'], 8, /Give credentials/, { env: { DROVER_API_TOKEN: '' } });
    await fails(['app', 'list', '--token', 'wrong'], 8, /401|Invalid|Unauthorized/i);
  });

  it('completion scripts and an example in every --help', async () => {
    assert.match(await ok(['completion', 'bash']), /complete -o default -F _drover_complete drover/);
    assert.match(await ok(['completion', 'zsh']), /bashcompinit/);
    assert.match(
      await ok(['completion', 'fish']),
      /complete -c drover -n '__fish_seen_subcommand_from app' -a 'logs'/,
    );
    const commands = [
      [],
      ['up'],
      ['master'],
      ['agent'],
      ['status'],
      ['deploy'],
      ['events'],
      ['completion'],
      ...[
        'list',
        'show',
        'add',
        'update',
        'scale',
        'restart',
        'remove',
        'tasks',
        'logs',
        'versions',
        'rollback',
        'diff',
        'kill',
      ].map((s) => ['app', s]),
      ...['list', 'rollback', 'stop'].map((s) => ['deployment', s]),
      ...[
        'list',
        'show',
        'add',
        'update',
        'run',
        'remove',
        'history',
        'logs',
        'graph',
        'disable',
        'enable',
        'sync',
      ].map((s) => ['job', s]),
      ...['list', 'drain', 'undrain'].map((s) => ['agent', s]),
    ];
    for (const c of commands)
      assert.match(await ok([...c, '--help']), /Example:\n {2}\S/, `drover ${c.join(' ')} --help`);
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
