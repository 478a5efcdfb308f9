/**
 * Where an agent can make cgroups for its process tasks, found once at agent start: cgroup v2
 * when its unified hierarchy offers the memory controller, else the v1 `memory` (and `cpu`)
 * hierarchies. Drover's groups live in a `drover` directory at the top of each hierarchy, as
 * Mesos' live under `mesos` and Docker's under `docker`; one group per task below it, named by the
 * task id (ids are unique, so agents sharing a machine do not collide).
 *
 * "Unavailable" is an answer, not an error: an agent that is not root, or runs in a container
 * whose /sys/fs/cgroup is read-only, runs process tasks without limits and says why once.
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupVersion } from './cgroup-settings.js';

export type CgroupHost =
  | { version: 1; memory: string; cpu: string | undefined }
  | { version: 2; dir: string; cpu: boolean };

export type CgroupDetection = { host: CgroupHost } | { unavailable: string };

export interface CgroupMount {
  mountPoint: string;
  /** The hierarchy path this mount shows at its mount point (`/` unless a subtree is mounted). */
  root: string;
  fsType: string;
  /** Super options: for v1 the controllers bound to the hierarchy (`rw,memory`). */
  options: string[];
}

/** The cgroup and cgroup2 mounts listed in `/proc/self/mountinfo`. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const fields = line.slice(0, dash).split(' ');
    const [fsType, , superOptions = ''] = line.slice(dash + 3).split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const mountPoint = unescapeMountPath(fields[4] ?? '');
    const root = unescapeMountPath(fields[3] ?? '/');
    if (mountPoint) mounts.push({ mountPoint, root, fsType, options: superOptions.split(',') });
  }
  return mounts;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

export interface DetectOptions {
  /** Name of Drover's directory in each hierarchy. Default `drover`. */
  rootName?: string;
  /** Default: read `/proc/self/mountinfo`. */
  mountinfo?: string;
  /** Prefer this version when both are usable (tests). Default: 2. */
  prefer?: CgroupVersion;
}

export async function detectCgroups(opts: DetectOptions = {}): Promise<CgroupDetection> {
  const rootName = opts.rootName ?? 'drover';
  let mountinfo = opts.mountinfo;
  if (mountinfo === undefined) {
    try {
      mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    } catch (err) {
      return { unavailable: `cannot read /proc/self/mountinfo: ${(err as Error).message}` };
    }
  }
  const mounts = parseCgroupMounts(mountinfo);
  const v2 = mounts.find((m) => m.fsType === 'cgroup2');
  const v1Memory = mounts.find((m) => m.fsType === 'cgroup' && m.options.includes('memory'));
  const v1Cpu = mounts.find((m) => m.fsType === 'cgroup' && m.options.includes('cpu'));
  const reasons: string[] = [];
  const tryV2 = async (): Promise<CgroupHost | undefined> => {
    if (!v2) return undefined;
    const r = await prepareV2(v2.mountPoint, rootName);
    if ('problem' in r) reasons.push(r.problem);
    else return r;
    return undefined;
  };
  const tryV1 = async (): Promise<CgroupHost | undefined> => {
    if (!v1Memory) return undefined;
    const r = await prepareV1(v1Memory.mountPoint, v1Cpu?.mountPoint, rootName);
    if ('problem' in r) reasons.push(r.problem);
    else return r;
    return undefined;
  };
  const order = opts.prefer === 1 ? [tryV1, tryV2] : [tryV2, tryV1];
  for (const attempt of order) {
    const host = await attempt();
    if (host) return { host };
  }
  if (!v2 && !v1Memory) reasons.push('no cgroup hierarchy with the memory controller is mounted');
  return { unavailable: reasons.join('; ') };
}

export function describeCgroupHost(host: CgroupHost): string {
  if (host.version === 2) return `cgroup v2 at ${host.dir} (memory${host.cpu ? ', cpu' : ''})`;
  return `cgroup v1 (memory at ${host.memory}${host.cpu ? `, cpu at ${host.cpu}` : ', no cpu hierarchy'})`;
}

type Prepared<T> = T | { problem: string };

async function prepareV2(mountPoint: string, rootName: string): Promise<Prepared<CgroupHost>> {
  const controllers = await readWords(join(mountPoint, 'cgroup.controllers'));
  if (!controllers.includes('memory')) {
    return { problem: `cgroup v2 at ${mountPoint} offers no memory controller (it is bound to v1)` };
  }
  const cpu = controllers.includes('cpu');
  const enable = cpu ? '+memory +cpu' : '+memory';
  const dir = join(mountPoint, rootName);
  try {
    // The top group may enable controllers for its children even though it holds processes;
    // Drover's own group holds none, only task groups, as v2 requires.
    await writeFile(join(mountPoint, 'cgroup.subtree_control'), enable);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cgroup.subtree_control'), enable);
    await probe(dir);
  } catch (err) {
    return { problem: `cgroup v2 at ${mountPoint} is not usable: ${errText(err)}` };
  }
  return { version: 2, dir, cpu };
}

async function prepareV1(
  memoryMount: string,
  cpuMount: string | undefined,
  rootName: string,
): Promise<Prepared<CgroupHost>> {
  const memory = join(memoryMount, rootName);
  try {
    await mkdir(memory, { recursive: true });
    await probe(memory);
  } catch (err) {
    return { problem: `cgroup v1 memory hierarchy at ${memoryMount} is not writable: ${errText(err)}` };
  }
  let cpu: string | undefined;
  if (cpuMount !== undefined) {
    cpu = join(cpuMount, rootName);
    try {
      await mkdir(cpu, { recursive: true });
      await probe(cpu);
    } catch {
      // Memory is what keeps the machine alive; CPU shares are a nicety.
      cpu = undefined;
    }
  }
  return { version: 1, memory, cpu };
}

/** An existing `drover` directory says nothing about whether this agent may make groups in it. */
async function probe(dir: string): Promise<void> {
  const child = join(dir, `probe-${process.pid}`);
  await mkdir(child);
  await rmdir(child);
}

async function readWords(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).trim().split(/\s+/);
  } catch {
    return [];
  }
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return `${e.code} (only root may make cgroups; the agent runs as uid ${process.getuid?.()})`;
  }
  if (e.code === 'EROFS') return 'EROFS (mounted read-only, as in a container without --privileged)';
  return e.message;
}
