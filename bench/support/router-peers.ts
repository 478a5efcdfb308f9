/**
 * What the router benches put in front of the load: http-echo tasks, the embedded router alone in
 * a process (router-alone.ts) and Debian's HAProxy (leastconn; TCP mode is the router's job), each
 * on a free 127.0.0.1 port. The caller owns the returned processes (kill them when done).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../test/e2e/support/drover-process.js';
import { freeServicePort, getOnce } from '../../test/e2e/support/router-load.js';

export interface Peer {
  child: ChildProcess;
  port: number;
}

/** `n` examples/http-echo.js processes, each answering on its port. */
export async function echoTasks(n: number): Promise<Peer[]> {
  const tasks: Peer[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freeServicePort();
    const child = spawn(process.execPath, ['examples/http-echo.js'], {
      stdio: 'ignore',
      env: { ...process.env, PORT0: String(port), MESOS_TASK_ID: `t${i}` },
    });
    tasks.push({ child, port });
    await waitFor(async () => (await getOnce('127.0.0.1', port)).ok, { what: `task ${i} answers` });
  }
  return tasks;
}

/** The router module `module` (a tcp-router.ts version) alone in a process, once it listens. */
export async function routerAlone(module: string, backendPorts: number[]): Promise<Peer> {
  const port = await freeServicePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/router-alone.ts', module, String(port), ...backendPorts.map(String)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`router ${module} exited ${code}`)));
  });
  return { child, port };
}

/** HAProxy in `mode`, leastconn over `backends`; config in `dir`; on `cpus` (taskset) if given. */
export async function haproxy(
  dir: string,
  mode: 'http' | 'tcp',
  backends: Array<{ host: string; port: number }>,
  cpus?: string,
): Promise<Peer> {
  const port = await freeServicePort();
  const cfg = join(dir, `haproxy-${mode}-${port}.cfg`);
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      `  mode ${mode}`,
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend f',
      `  bind 127.0.0.1:${port}`,
      '  default_backend b',
      'backend b',
      '  balance leastconn',
      ...backends.map((b, i) => `  server t${i} ${b.host}:${b.port}`),
      '',
    ].join('\n'),
  );
  // Started under taskset so that it sizes its threads for the CPUs it gets.
  const child = cpus
    ? spawn('taskset', ['-c', cpus, 'haproxy', '-db', '-f', cfg], { stdio: 'ignore' })
    : spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
  await waitFor(async () => (await getOnce('127.0.0.1', port)).ok, { what: `haproxy (${mode}) answers` });
  return { child, port };
}

/** HAProxy in TCP mode in front of local ports. */
export const haproxyTcp = (dir: string, ports: number[], cpus?: string) =>
  haproxy(
    dir,
    'tcp',
    ports.map((port) => ({ host: '127.0.0.1', port })),
    cpus,
  );
