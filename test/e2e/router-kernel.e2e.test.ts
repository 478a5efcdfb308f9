/**
 * Issue 15, `--router kernel` against a real `drover up` and the real nat table (root): an app's
 * TCP service port answers `curl 127.0.0.1:PORT` through the DNAT rules of the agents' chains; a
 * rolling upgrade of 10 instances under the load loop (fresh connections, 1 s timeouts) fails no
 * request; an HTTP-mode app stays on the userspace router; scaling to 0 removes the rule and the
 * port refuses; the chains go when drover ends on SIGTERM; the chains of a drover killed -9 go
 * when the next one starts; without CAP_NET_ADMIN it refuses to start.
 *
 * Needs root (iptables); skipped when not root outside CI, a failure in CI. Touches only chains
 * named for the pids of the drovers it starts (router/kernel-rules.ts) and removes them if a
 * test fails half-way.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { removeChains, systemIptables } from '../../src/router/kernel-chains.js';
import { kernelChains } from '../../src/router/kernel-rules.js';
import { BIN, NODE_FLAGS } from './support/drover-bin.js';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { freeServicePort, getOnce } from './support/router-load.js';
import { deployEcho, upgradeUnderLoad } from './support/router-scenarios.js';

const run = promisify(execFile);
const root = process.getuid?.() === 0;
const skip = !root && process.env.CI !== 'true' ? 'needs root (iptables); CI runs it as root' : false;
const AGENTS = 2;

/** The rules of the nat table that name a chain of drover process `pid`. */
async function droverRules(pid: number): Promise<string[]> {
  const { stdout } = await run('iptables', ['-w', '-t', 'nat', '-S']);
  return stdout.split('\n').filter((l) => l.includes(`DROVER-${pid}-`));
}

const started: number[] = [];
after(async () => {
  // A test that failed half-way may leave a drover killed -9: its chains are ours to remove.
  for (const pid of started)
    for (let i = 0; i < AGENTS; i++) await removeChains(systemIptables, kernelChains(pid, i));
});

async function startKernelDrover(t: Parameters<typeof DroverProcess.startFor>[0]): Promise<DroverProcess> {
  assert.ok(root, 'the --router kernel e2e needs root (iptables)');
  const drover = await DroverProcess.startFor(t, { agents: AGENTS, args: ['--router', 'kernel'] });
  started.push(drover.pid!);
  return drover;
}

test('--router kernel: curl, an HTTP-mode app, a rolling upgrade of 10 under load, scale to 0, chains gone after SIGTERM', {
  skip,
  timeout: 400_000,
}, async (t) => {
  const drover = await startKernelDrover(t);
  const pid = drover.pid!;
  const jumps = (await droverRules(pid)).filter(
    (l) => l.startsWith('-A OUTPUT') || l.startsWith('-A PREROUTING'),
  );
  assert.equal(jumps.length, 2 * AGENTS, `jumps from OUTPUT and PREROUTING per agent: ${jumps.join('\n')}`);

  const port = await freeServicePort();
  await deployEcho(drover, '/kernel-web', port, 10);
  const { stdout } = await run('curl', ['-s', '-m', '5', `http://127.0.0.1:${port}/`]);
  assert.equal(JSON.parse(stdout).app, '/kernel-web');
  // The kernel answered, not a process: ten DNAT rules for the port in agent 1's chain (127.0.0.1).
  // Tasks become eligible one by one (running, then healthy), so the table grows to ten: wait.
  const dnatRules = async () =>
    (await droverRules(pid)).filter(
      (l) => l.startsWith(`-A DROVER-${pid}-0 `) && l.includes(`--dport ${port} `) && l.includes('DNAT'),
    );
  await waitFor(async () => (await dnatRules()).length === 10, { what: 'ten DNAT rules for the port' });
  const dnat = await dnatRules();
  assert.equal(dnat.length, 10, dnat.join('\n'));

  // HTTP mode stays on the userspace router: it answers, and has no rule.
  const httpPort = await freeServicePort();
  await deployEcho(drover, '/kernel-http', httpPort, 1, '127.0.0.1', { DROVER_ROUTER_MODE: 'http' });
  assert.ok((await getOnce('127.0.0.1', httpPort)).ok);
  assert.ok(!(await droverRules(pid)).some((l) => l.includes(`--dport ${httpPort} `)));

  t.diagnostic(await upgradeUnderLoad(drover, '/kernel-web', port, 10));

  // Scale to 0: the rules go and the port refuses (the userspace router closes what reaches it).
  await drover.api.json('PUT', '/v2/apps/kernel-web', { instances: 0 });
  await waitFor(async () => !(await droverRules(pid)).some((l) => l.includes(`--dport ${port} `)), {
    what: 'the rules of the scaled-down port removed',
    timeoutMs: 60_000,
  });
  const refused = await getOnce('127.0.0.1', port);
  assert.equal(refused.ok, false, JSON.stringify(refused));

  const exit = await drover.stop('SIGTERM');
  assert.equal(exit.code, 0);
  assert.deepEqual(await droverRules(pid), [], 'no chain or jump of the drover left');
});

test('--router kernel: the chains of a drover killed -9 are removed when the next one starts', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const dead = await startKernelDrover(t);
  const deadPid = dead.pid!;
  await dead.kill9();
  assert.ok((await droverRules(deadPid)).length > 0, 'kill -9 leaves the chains');
  const next = await startKernelDrover(t);
  assert.deepEqual(await droverRules(deadPid), [], "the dead drover's chains removed at start");
  assert.ok((await droverRules(next.pid!)).length > 0, 'the new drover has its own');
  await next.stop('SIGTERM');
  assert.deepEqual(await droverRules(next.pid!), []);
});

test('--router kernel without CAP_NET_ADMIN (not root): refused at start with the reason, non-zero exit', {
  skip,
  timeout: 60_000,
}, async () => {
  assert.ok(root, 'needs root to drop the capability');
  const dir = mkdtempSync(join(tmpdir(), 'drover-kernel-nocap-'));
  try {
    // Root without CAP_NET_ADMIN is refused by iptables as a user is ("you must be root").
    const res = await run(
      'setpriv',
      [
        '--bounding-set=-net_admin',
        '--inh-caps=-net_admin',
        '--',
        process.execPath,
        ...NODE_FLAGS,
        BIN,
        'up',
        '--data-dir',
        dir,
        '--port',
        '0',
        '--router',
        'kernel',
      ],
      { timeout: 30_000 },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
    );
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /--router kernel: iptables cannot program the nat table .*needs root/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
