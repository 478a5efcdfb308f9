/**
 * What a person sees at a terminal (issue 11): `drover up` and `drover deploy --wait` run inside a
 * tmux pane (a real TTY, captured with its escape codes), and the same commands piped (no TTY).
 * On the TTY: coloured log lines and a live progress line that changes while the deployment runs,
 * then the success line and exit 0. Piped: no escape code at all, one plain line per change.
 * tmux missing: skipped locally, a failure in CI (CI=true).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/cli-run.js';
import { droverArgv, repoRoot } from './support/drover-bin.js';
import { DroverProcess } from './support/drover-process.js';
import { waitFor } from './support/wait-for.js';

const TOKEN = 'cli-tty-e2e-token';
const SOCKET = `drover-tty-${process.pid}-${Date.now().toString(36)}`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is checked
const ANSI = /\x1b\[[0-9;]*m/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is checked
const ANY_ESCAPE = /\x1b/;
// The success tick in green (SGR 32).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is checked
const GREEN_TICK = /\x1b\[32m✓/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping escape codes
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux && process.env.CI === 'true') {
  throw new Error('tmux is missing (scripts/provision.sh installs it); the TTY test must run in CI');
}

const dir = mkdtempSync(join(tmpdir(), 'drover-cli-tty-'));
const dataDir = join(dir, 'data');

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The pane as the person sees it, with its colour codes (`-e`), wrapped rows joined (`-J`). */
function capture(window: string): string {
  const screen = tmux('capture-pane', '-p', '-e', '-J', '-t', `tty:${window}`);
  // DROVER_TTY_SCREENS=<dir>: keep the last screen of each pane, to look at what a person sees.
  if (process.env.DROVER_TTY_SCREENS)
    writeFileSync(join(process.env.DROVER_TTY_SCREENS, `${window}.txt`), screen);
  return screen;
}

/** A shell command running drover in a pane: a clean colour environment, the repo as cwd. */
function shellCommand(args: string[], env: Record<string, string>): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries(env).map(([k, v]) => `${k}=${q(v)}`);
  const drover = [process.execPath, ...droverArgv(args)].map(q).join(' ');
  return `cd ${q(repoRoot)} && env -u NO_COLOR -u FORCE_COLOR ${vars.join(' ')} ${drover}`;
}

function appFile(name: string, id: string): string {
  const p = join(dir, name);
  writeFileSync(
    p,
    JSON.stringify({
      id,
      // Healthy only after a few seconds, so the deployment's step stays on screen long enough
      // to be captured however fast the machine is (it finished in 1 s on an idle one).
      cmd: 'sleep 4; exec node examples/http-echo.js',
      instances: 2,
      cpus: 0.05,
      mem: 32,
      healthChecks: [{ protocol: 'HTTP', path: '/', gracePeriodSeconds: 30, intervalSeconds: 1 }],
    }),
  );
  return p;
}

let url = '';

before(async () => {
  if (!hasTmux) return;
  const up = shellCommand(
    [
      'up',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--agents',
      '2',
      '--docker',
      'off',
      '--api-token',
      TOKEN,
      '--log-level',
      'info',
    ],
    { DROVER_API_TOKEN: '', TERM: 'screen' },
  );
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'tty', '-n', 'up', up);
  tmux('set-option', '-t', 'tty', 'remain-on-exit', 'on');
  url = await waitFor(() => /drover up: API on (http:\/\/\S+?:\d+) /.exec(stripAnsi(capture('up')))?.[1], {
    what: 'drover up in tmux printing its API address',
    timeoutMs: 60_000,
  });
});

after(() => {
  if (hasTmux) {
    // Ctrl-C lets `drover up` stop its tasks; kill-server then ends whatever is left.
    spawnSync('tmux', ['-L', SOCKET, 'send-keys', '-t', 'tty:up', 'C-c']);
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const dead = spawnSync(
        'tmux',
        ['-L', SOCKET, 'display-message', '-p', '-t', 'tty:up', '#{pane_dead}'],
        {
          encoding: 'utf8',
        },
      );
      if (dead.status !== 0 || dead.stdout.trim() === '1') break;
      spawnSync('sleep', ['0.2']);
    }
    const socket = spawnSync('tmux', ['-L', SOCKET, 'display-message', '-p', '#{socket_path}'], {
      encoding: 'utf8',
    }).stdout.trim();
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    // The server leaves its socket file behind.
    if (socket) rmSync(socket, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('drover CLI on a terminal (tmux) and piped', {
  concurrency: false,
  skip: !hasTmux && 'tmux not installed',
}, () => {
  it('deploy --wait on a TTY: a live progress line that changes, then the success line and exit 0', async () => {
    const app = appFile('tty-web.json', '/tty/web');
    tmux(
      'new-window',
      '-t',
      'tty',
      '-n',
      'deploy',
      `${shellCommand(['deploy', app, '--wait', '--timeout', '120'], {
        DROVER_URL: url,
        DROVER_API_TOKEN: TOKEN,
        TERM: 'screen',
      })}; echo EXIT=$?; sleep 3600`,
    );
    // Every distinct spinner line seen while the deployment runs (the line with `/tty/web` and a
    // spinner frame, ora's braille dots).
    const progress = new Set<string>();
    let screen = '';
    await waitFor(
      () => {
        screen = capture('deploy');
        for (const line of stripAnsi(screen).split('\n')) {
          if (/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /.test(line)) progress.add(line.trimEnd());
        }
        return /EXIT=\d+/.test(screen);
      },
      { what: 'deploy --wait to finish in its pane', timeoutMs: 150_000, intervalMs: 100 },
    );
    const plain = stripAnsi(screen);
    assert.match(plain, /EXIT=0/, screen);
    assert.match(plain, /✓ deploy .+: deployment \S+ succeeded in /, screen);
    assert.ok(progress.size >= 2, `the progress line changed while it ran: ${[...progress].join(' | ')}`);
    assert.ok(
      [...progress].some((l) => /· step \d\/\d \w+ \/tty\/web/.test(l)),
      `a progress line names the step: ${[...progress].join(' | ')}`,
    );
    // The success tick is green; the spinner line is gone once the deployment is over.
    assert.match(screen, GREEN_TICK, screen);
    assert.doesNotMatch(plain, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /m, 'no spinner left on the screen');
    // No line drawn twice over another: each captured line holds one message.
    for (const line of plain.split('\n')) assert.ok((line.match(/deployment \S+ /g) ?? []).length <= 1, line);
  });

  it('drover up on a TTY: coloured log lines', async () => {
    const screen = await waitFor(
      () => {
        const s = capture('up');
        return s.split('\n').some((l) => ANSI.test(l) && /deployment|app|agent/i.test(stripAnsi(l))) && s;
      },
      { what: 'coloured log lines in the drover up pane', timeoutMs: 30_000 },
    );
    const logLines = screen.split('\n').filter((l) => /^\[\d\d:\d\d:\d\d/.test(stripAnsi(l)));
    assert.ok(logLines.length > 0, `timestamped log lines:\n${screen}`);
    assert.ok(
      logLines.every((l) => ANSI.test(l)),
      `every log line is coloured:\n${logLines.join('\n')}`,
    );
  });

  it('piped: deploy --wait and drover up print plain lines, no escape codes', async () => {
    const env = { DROVER_URL: url, DROVER_API_TOKEN: TOKEN, TERM: 'screen' };
    const r = await runCli(
      ['deploy', appFile('piped-web.json', '/tty/piped'), '--wait', '--timeout', '120'],
      {
        env,
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, ANY_ESCAPE);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^\+ \/tty\/piped$/);
    assert.match(r.stdout, /^→ deployment \S+ started/m);
    assert.match(r.stdout, /^ {2}step 1\/\d StartApplication \/tty\/piped$/m);
    assert.match(r.stdout, /^ {2}\/tty\/piped [0-2]\/2 healthy$/m);
    assert.match(lines.at(-1)!, /^✓ deploy .+: deployment \S+ succeeded in /);
    // One line per change: never the same line twice in a row.
    for (let i = 1; i < lines.length; i++) assert.notEqual(lines[i], lines[i - 1], r.stdout);

    const piped = await DroverProcess.start({
      args: ['--docker', 'off', '--api-token', TOKEN],
      logLevel: 'info',
      env: { DROVER_API_TOKEN: '', TERM: 'screen', NO_COLOR: '', FORCE_COLOR: '' },
    });
    try {
      // A deployment on it makes log lines beyond the startup ones.
      const d = await runCli(['deploy', appFile('piped-up.json', '/tty/up'), '--wait', '--timeout', '120'], {
        env: { ...env, DROVER_URL: piped.url },
      });
      assert.equal(d.code, 0, d.stdout + d.stderr);
      const out = piped.output();
      assert.doesNotMatch(out, ANY_ESCAPE, out);
      const logLines = out.split('\n').filter((l) => l.startsWith('{'));
      assert.ok(logLines.length > 0, out);
      for (const l of logLines) assert.equal(typeof JSON.parse(l).msg, 'string', l);
    } finally {
      await piped.cleanup();
    }
  });
});
