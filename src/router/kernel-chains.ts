/**
 * The kernel data path's I/O: runs `iptables` and `iptables-restore` (the nat table only) for the
 * chains kernel-rules.ts names. Every write names a Drover chain or a jump to one; nothing else in
 * the nat table (Docker's chains, other routers', other tests') is read for more than finding
 * stale Drover chains.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { jumpArgs, jumpsOf, type KernelChains, setupText, staleChains } from './kernel-rules.js';

const exec = promisify(execFile);

/** The iptables commands the kernel router uses; a fake in unit tests. */
export interface Iptables {
  /** `iptables-restore -w --noflush` with `text` on stdin; rejects with its stderr. */
  restore(text: string): Promise<void>;
  /** `iptables -w -t nat ARGS`; resolves with stdout. */
  nat(args: string[]): Promise<string>;
  /** The same, synchronously: for the process's `exit` handler, where nothing async runs. */
  natSync(args: string[]): void;
}

export const systemIptables: Iptables = {
  restore: (text) =>
    new Promise((resolve, reject) => {
      const child = spawn('iptables-restore', ['-w', '--noflush'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`iptables-restore exited ${code}: ${stderr.trim()}`)),
      );
      child.stdin.end(text);
    }),
  nat: async (args) => (await exec('iptables', ['-w', '-t', 'nat', ...args])).stdout,
  natSync: (args) => {
    execFileSync('iptables', ['-w', '-t', 'nat', ...args], { stdio: 'ignore' });
  },
};

/**
 * Whether this process may program the nat table: undefined when it may, else why not (iptables
 * missing, or not permitted: not root). Read-only: lists the OUTPUT chain.
 */
export async function iptablesProblem(iptables: Iptables): Promise<string | undefined> {
  try {
    await iptables.nat(['-S', 'OUTPUT']);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return 'iptables is not installed (Debian: apt-get install iptables)';
    const why = (e.stderr ?? e.message).trim().split('\n')[0];
    return `iptables cannot program the nat table (${why}); --router kernel needs root (CAP_NET_ADMIN)`;
  }
}

/** Removes the Drover chains of processes that are gone, and the jumps to them; returns their names. */
export async function removeStaleChains(iptables: Iptables, alive = pidAlive): Promise<string[]> {
  const { jumps, chains } = staleChains(await iptables.nat(['-S']), alive);
  for (const j of jumps) await ignoreGone(iptables.nat(['-D', ...j]));
  for (const c of chains) await ignoreGone(iptables.nat(['-F', c]));
  for (const c of chains) await ignoreGone(iptables.nat(['-X', c]));
  return chains;
}

/** Creates this router's chains and the jumps to them. */
export function createChains(iptables: Iptables, chains: KernelChains): Promise<void> {
  return iptables.restore(setupText(chains));
}

/** Removes this router's jumps and chains; what is already gone is fine. */
export async function removeChains(iptables: Iptables, chains: KernelChains): Promise<void> {
  for (const j of jumpsOf(chains)) await ignoreGone(iptables.nat(['-D', j.from, ...jumpArgs(j.to)]));
  for (const c of [chains.nat, chains.masq]) await ignoreGone(iptables.nat(['-F', c]));
  for (const c of [chains.nat, chains.masq]) await ignoreGone(iptables.nat(['-X', c]));
}

/** removeChains for the `exit` handler. */
export function removeChainsSync(iptables: Iptables, chains: KernelChains): void {
  const steps = [
    ...jumpsOf(chains).map((j) => ['-D', j.from, ...jumpArgs(j.to)]),
    ['-F', chains.nat],
    ['-F', chains.masq],
    ['-X', chains.nat],
    ['-X', chains.masq],
  ];
  for (const s of steps) {
    try {
      iptables.natSync(s);
    } catch {
      // already gone
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch {
    // already gone (another cleaner, or never made)
  }
}
