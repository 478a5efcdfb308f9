/**
 * Real hosts on one machine for the HA tests: one network namespace per host, each with an `eth0`
 * (a veth pair) plugged into a bridge that lives in a namespace of its own, and one more veth from
 * the bridge to this (the root) namespace, where the tests and the PostgreSQL forwarder sit.
 *
 *   root ns 10.213.N.1 ── veth ──┐
 *   host m1 10.213.N.11 ─ veth ──┤ br0 (in the "switch" namespace: its own, empty firewall, so a
 *   host a1 10.213.N.21 ─ veth ──┘      host's FORWARD-DROP policy, as Docker sets, does not apply)
 *
 * Only addresses in 10.213.N.0/24, with N picked so that no interface here uses that subnet yet,
 * and only interfaces and namespaces this lab creates. `destroy` removes all of it and kills every
 * process left in the namespaces; it is safe to call more than once and on a half-built lab.
 * Requires root and iproute2: without them `create` throws (the tests then fail, never skip).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface LabHost {
  name: string;
  netns: string;
  address: string;
}

export class NetLab {
  readonly hosts = new Map<string, LabHost>();
  private readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];
  private destroyed = false;

  private constructor(
    /** Short unique tag in every name this lab creates. */
    readonly tag: string,
    /** The third octet of 10.213.N.0/24. */
    readonly subnet: number,
  ) {}

  /** This namespace's address on the lab network (the tests and the forwarder listen here). */
  get rootAddress(): string {
    return `10.213.${this.subnet}.1`;
  }

  /** `hosts` as [name, last octet]: e.g. [['m1', 11], ['a1', 21]]. */
  static create(hosts: Array<[string, number]>): NetLab {
    ip(['netns', 'list']); // fails early, with iproute2's message, where netns is unavailable
    // Two test files may build labs at once: the subnet is claimed by creating the root link,
    // whose name carries it (link names are unique here), so a claim lost to a race is retried.
    for (let tries = 0; ; tries++) {
      const lab = new NetLab(randomBytes(2).toString('hex'), freeSubnet());
      process.once('exit', () => lab.destroy());
      try {
        lab.build(hosts);
        return lab;
      } catch (err) {
        lab.destroy();
        if (!(err instanceof SubnetTaken) || tries >= 10) throw err;
      }
    }
  }

  private build(hosts: Array<[string, number]>): void {
    const root = `drvnet${this.subnet}`;
    try {
      ip(['link', 'add', root, 'type', 'veth', 'peer', 'name', `${root}p`]);
    } catch (err) {
      throw /File exists/.test((err as Error).message) ? new SubnetTaken() : err;
    }
    this.rootLinks.push(root);
    const sw = this.addNamespace('sw');
    ip(['-n', sw, 'link', 'set', 'lo', 'up']);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    this.plug(`${root}p`, sw);
    ip(['addr', 'add', `${this.rootAddress}/24`, 'dev', root]);
    ip(['link', 'set', root, 'up']);
    for (const [name, octet] of hosts) {
      const netns = this.addNamespace(name);
      const dev = `drv${this.tag}${name}`;
      ip(['link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`]);
      this.rootLinks.push(dev);
      ip(['link', 'set', dev, 'netns', netns]);
      ip(['-n', netns, 'link', 'set', dev, 'name', 'eth0']);
      const address = `10.213.${this.subnet}.${octet}`;
      ip(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
      ip(['-n', netns, 'link', 'set', 'lo', 'up']);
      this.plug(`${dev}p`, sw);
      this.hosts.set(name, { name, netns, address });
    }
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host ${name}`);
    return h;
  }

  /** Cuts a host off the network (its cable out): connections go silent, nothing is refused. */
  cut(name: string): void {
    ip(['-n', this.host(name).netns, 'link', 'set', 'eth0', 'down']);
  }

  heal(name: string): void {
    ip(['-n', this.host(name).netns, 'link', 'set', 'eth0', 'up']);
  }

  /** Argv prefix that runs a command inside a host. */
  execIn(name: string): string[] {
    return ['ip', 'netns', 'exec', this.host(name).netns];
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const ns of [...this.namespaces].reverse()) {
      for (const pid of pidsIn(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      tryIp(['netns', 'del', ns]);
    }
    // Namespaces are torn down asynchronously; a root-side end may outlive its namespace briefly.
    for (const dev of this.rootLinks) tryIp(['link', 'del', dev]);
  }

  private addNamespace(name: string): string {
    const ns = `drv${this.tag}-${name}`;
    ip(['netns', 'add', ns]);
    this.namespaces.push(ns);
    return ns;
  }

  private plug(dev: string, sw: string): void {
    ip(['link', 'set', dev, 'netns', sw]);
    ip(['-n', sw, 'link', 'set', dev, 'master', 'br0']);
    ip(['-n', sw, 'link', 'set', dev, 'up']);
  }
}

/** Every process whose network namespace is `ns`. */
export function pidsIn(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

function tryIp(args: string[]): void {
  try {
    ip(args);
  } catch {
    // cleanup: gone already
  }
}

class SubnetTaken extends Error {}

function freeSubnet(): number {
  const used = ip(['-4', '-o', 'addr', 'show']);
  for (let i = 0; i < 50; i++) {
    const n = 100 + Math.floor(Math.random() * 150);
    if (!used.includes(`10.213.${n}.`)) return n;
  }
  throw new Error('no free 10.213.N.0/24 subnet for the lab');
}
