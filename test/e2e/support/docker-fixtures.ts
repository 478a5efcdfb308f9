/**
 * Docker for e2e tests and benches: the engine (required: a missing engine fails, it never skips),
 * the fixture images (scripts/build-test-images.sh), a local registry (Debian's docker-registry
 * with its own config in a temp dir, optionally behind htpasswd auth), and cleanup of whatever a
 * `drover up` left running under its data dir.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LABEL } from '../../../src/agent/executors/docker/container-config.js';
import { type ContainerSummary, DockerEngine } from '../../../src/agent/executors/docker/engine-client.js';
import { freePort } from '../../../src/agent/executors/executor.contract.js';
import { repoRoot } from './drover-process.js';
import { http } from './http-json.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

export const BUSYBOX_IMAGE = 'drover-test/busybox:latest';
export const HTTP_IMAGE = (v: 'v1' | 'v2') => `drover-test/http:${v}`;

/** An engine client; throws when no engine answers (CI must provision one). */
export async function requireDocker(): Promise<DockerEngine> {
  const engine = new DockerEngine();
  if (!(await engine.ping())) {
    await engine.close();
    throw new Error('no Docker engine answers on /var/run/docker.sock: run scripts/provision.sh');
  }
  return engine;
}

/** Builds the fixture images (fast when cached); with `pushTo`, also pushes the http images there. */
export async function buildTestImages(opts: { pushTo?: string; dockerConfig?: string } = {}): Promise<void> {
  const args = [join(repoRoot, 'scripts', 'build-test-images.sh')];
  if (opts.pushTo) args.push('--push', opts.pushTo);
  await run('bash', args, {
    env: { ...process.env, ...(opts.dockerConfig ? { DOCKER_CONFIG: opts.dockerConfig } : {}) },
  });
}

/** Every container a drover run under `dataDir` started (their owner label is an agent work dir). */
export async function containersUnder(engine: DockerEngine, dataDir: string): Promise<ContainerSummary[]> {
  const all = await engine.listContainers([LABEL.owner]);
  return all.filter((c) => c.Labels[LABEL.owner]?.startsWith(`${dataDir}/`));
}

/**
 * Removes them; looks again a little later, because a drover killed mid-launch may have a create
 * request still in flight that the engine completes after the first look.
 */
export async function removeContainersUnder(engine: DockerEngine, dataDir: string): Promise<void> {
  for (let look = 0; look < 3; look++) {
    for (const c of await containersUnder(engine, dataDir)) await engine.removeContainer(c.Id);
    if (look < 2) await new Promise((r) => setTimeout(r, 1_000));
  }
}

export interface RegistryAuth {
  username: string;
  password: string;
}

/** Debian's docker-registry on 127.0.0.1 (the engine treats 127.0.0.0/8 registries as insecure-allowed). */
export class LocalRegistry {
  private constructor(
    readonly address: string,
    readonly dir: string,
    /** A DOCKER_CONFIG directory logged in to the registry (for pushes). */
    readonly dockerConfig: string,
    private readonly child: ChildProcess,
    readonly auth: RegistryAuth | undefined,
  ) {}

  static async start(opts: { auth?: RegistryAuth } = {}): Promise<LocalRegistry> {
    const dir = mkdtempSync(join(tmpdir(), 'drover-registry-'));
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    let authYaml = '';
    if (opts.auth) {
      const hash = await bcrypt(opts.auth.password);
      writeFileSync(join(dir, 'htpasswd'), `${opts.auth.username}:${hash}\n`);
      authYaml = `auth:\n  htpasswd:\n    realm: drover-test\n    path: ${join(dir, 'htpasswd')}\n`;
    }
    writeFileSync(
      join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: ${address}`,
        authYaml,
      ].join('\n'),
    );
    const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-4000);
    });
    const dockerConfig = join(dir, 'docker-config');
    const reg = new LocalRegistry(address, dir, dockerConfig, child, opts.auth);
    try {
      // 401 is an answer too: the registry is up and asks for credentials.
      await waitFor(
        async () => [200, 401].includes((await http(`http://${address}/v2/`, { timeoutMs: 1_000 })).status),
        { what: `registry on ${address} (${err.slice(-500)})`, timeoutMs: 20_000 },
      );
      if (opts.auth) await loginWithStdin(address, opts.auth, dockerConfig);
    } catch (e) {
      await reg.stop();
      throw e;
    }
    return reg;
  }

  /** Credentials as an agent's --registry-auth file; returns its path. */
  writeAgentAuthFile(): string {
    const file = join(this.dir, 'agent-registry-auth.json');
    writeFileSync(file, JSON.stringify(this.auth ? { [this.address]: this.auth } : {}));
    return file;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function loginWithStdin(address: string, auth: RegistryAuth, dockerConfig: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['login', address, '-u', auth.username, '--password-stdin'], {
      env: { ...process.env, DOCKER_CONFIG: dockerConfig },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker login: ${err}`))));
    child.stdin.end(auth.password);
  });
}

/** A bcrypt hash for htpasswd, from Debian's Python (libxcrypt does bcrypt); no npm package needed. */
async function bcrypt(password: string): Promise<string> {
  const { stdout } = await run('/usr/bin/python3', [
    '-W',
    'ignore',
    '-c',
    'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))',
    password,
  ]);
  const hash = stdout.trim();
  if (!hash.startsWith('$2')) throw new Error(`no bcrypt from python3 crypt: ${hash}`);
  return hash;
}

/** Removes image tags (e.g. registry-prefixed ones a test pushed); absent ones are fine. */
export async function removeImageTags(tags: string[]): Promise<void> {
  for (const tag of tags) await run('docker', ['rmi', tag]).catch(() => undefined);
}

/**
 * Cleanups run last-registered-first (node:test runs `after` hooks first-registered-first, which
 * would close the engine client before the containers are removed through it). Each runs even
 * when an earlier one fails.
 */
export function deferrer(t: { after(fn: () => unknown): void }): (fn: () => unknown) => void {
  const stack: Array<() => unknown> = [];
  t.after(async () => {
    const errors: unknown[] = [];
    for (const fn of stack.reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (fn) => {
    stack.push(fn);
  };
}
