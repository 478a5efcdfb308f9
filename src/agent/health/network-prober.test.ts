/**
 * The real probes against real servers on 127.0.0.1:0: HTTP statuses, an informational 1xx,
 * HTTPS with a self-signed certificate, refused connections, timeouts, TCP and commands (in the
 * sandbox with the task's env, or through the task's exec when it offers one).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningTask } from '../executors/executor.js';
import type { ExecOptions, ExecResult } from '../executors/task-exec.js';
import { isLive } from '../testing/proc.js';
import { tempDir } from '../testing/temp-dir.js';
import { waitFor } from '../testing/wait-for.js';
import { healthVerdict } from './health-verdict.js';
import { createNetworkProber } from './network-prober.js';
import type { ProbeContext } from './prober.js';

const prober = createNetworkProber();
let dir: { path: string; remove: () => Promise<void> };
const servers: Array<{ close(): unknown; closeAllConnections?(): void }> = [];

before(async () => {
  dir = await tempDir('drover-probe-');
});
after(async () => {
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
  await dir.remove();
});

const ctx = (over: Partial<ProbeContext> = {}): ProbeContext => ({
  taskId: 'web.1',
  timeoutMs: 2_000,
  sandbox: dir.path,
  env: {},
  ...over,
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  servers.push(server as Server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('HTTP probe', () => {
  let port: number;
  before(async () => {
    port = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/ok') res.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
        else if (req.url === '/fail') res.writeHead(500).end('broken');
        else if (req.url === '/processing')
          res.writeProcessing(); // and never a final answer
        else if (req.url === '/slow')
          return; // never answers
        else res.writeHead(404).end();
      }),
    );
  });
  const http = (path: string) => ({
    kind: 'http' as const,
    scheme: 'http' as const,
    host: '127.0.0.1',
    port,
    path,
  });

  test('200 is healthy, 500 is unhealthy with its status line', async () => {
    const ok = await prober.probe(http('/ok'), ctx());
    assert.equal(ok.kind === 'http' && ok.status, 200);
    assert.equal(healthVerdict({ ignoreHttp1xx: false }, ok).kind, 'healthy');
    const fail = await prober.probe(http('/fail'), ctx());
    assert.deepEqual(healthVerdict({ ignoreHttp1xx: false }, fail), {
      kind: 'unhealthy',
      cause: '500 Internal Server Error',
    });
  });

  test('the body is read only when asked for (readiness with preserveLastResponse)', async () => {
    const plain = await prober.probe(http('/ok'), ctx());
    assert.equal(plain.kind === 'http' && plain.body, undefined);
    const full = await prober.probe(http('/ok'), ctx({ wantBody: true }));
    assert.deepEqual(full, {
      kind: 'http',
      status: 200,
      statusText: 'OK',
      contentType: 'text/plain',
      body: 'fine',
    });
  });

  test('an informational 1xx is the answer: discarded with ignoreHttp1xx, unhealthy without', async () => {
    const answer = await prober.probe(http('/processing'), ctx());
    assert.equal(answer.kind === 'http' && answer.status, 102);
    assert.equal(healthVerdict({ ignoreHttp1xx: true }, answer).kind, 'ignored');
    assert.equal(healthVerdict({ ignoreHttp1xx: false }, answer).kind, 'unhealthy');
  });

  test('no answer within the timeout is an error', async () => {
    const answer = await prober.probe(http('/slow'), ctx({ timeoutMs: 200 }));
    assert.deepEqual(answer, { kind: 'error', cause: 'Timed out after 0.2 s' });
  });

  test('a refused connection is an error naming it', async () => {
    const answer = await prober.probe({ ...http('/'), port: await closedPort() }, ctx());
    assert.equal(answer.kind, 'error');
    assert.match(answer.kind === 'error' ? answer.cause : '', /ECONNREFUSED/);
  });
});

describe('HTTPS probe', () => {
  let port: number;
  before(async () => {
    // A self-signed certificate, as tasks typically serve: the probe must not verify it.
    const key = join(dir.path, 'key.pem');
    const cert = join(dir.path, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=drover-test',
      ],
      { stdio: 'ignore' },
    );
    port = await listen(
      createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) =>
        res.writeHead(req.url === '/ok' ? 200 : 503).end(),
      ) as unknown as Server,
    );
  });

  test('answers through a self-signed certificate', async () => {
    const target = { kind: 'http' as const, scheme: 'https' as const, host: '127.0.0.1', port, path: '/ok' };
    const ok = await prober.probe(target, ctx());
    assert.equal(ok.kind === 'http' && ok.status, 200);
    const bad = await prober.probe({ ...target, path: '/x' }, ctx());
    assert.equal(bad.kind === 'http' && bad.status, 503);
  });
});

describe('TCP probe', () => {
  test('an open port is healthy, a closed one is an error', async () => {
    const open = await listen(createTcpServer((s) => s.end()));
    assert.deepEqual(await prober.probe({ kind: 'tcp', host: '127.0.0.1', port: open }, ctx()), {
      kind: 'tcp',
    });
    const closed = await prober.probe({ kind: 'tcp', host: '127.0.0.1', port: await closedPort() }, ctx());
    assert.equal(closed.kind, 'error');
  });
});

describe('COMMAND probe', () => {
  test('exit 0 and exit 1, run in the sandbox with the task env', async () => {
    assert.deepEqual(await prober.probe({ kind: 'command', command: 'true' }, ctx()), {
      kind: 'command',
      exitCode: 0,
    });
    assert.deepEqual(await prober.probe({ kind: 'command', command: 'exit 1' }, ctx()), {
      kind: 'command',
      exitCode: 1,
    });
    const where = await prober.probe(
      { kind: 'command', command: 'test "$(pwd)" = "$MESOS_SANDBOX" && test "$APP_FLAG" = on' },
      ctx({ env: { MESOS_SANDBOX: dir.path, APP_FLAG: 'on' } }),
    );
    assert.deepEqual(where, { kind: 'command', exitCode: 0 });
  });

  test('a command running past its timeout is an error, and it is killed', async () => {
    const pidFile = join(dir.path, 'check.pid');
    const answer = await prober.probe(
      { kind: 'command', command: `sh -c 'echo $$ > ${pidFile}; exec sleep 30'` },
      ctx({ timeoutMs: 300 }),
    );
    assert.deepEqual(answer, { kind: 'error', cause: 'Timed out after 0.3 s' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !isLive(pid), 'the timed-out check and its children to be killed');
  });

  test("a task whose executor can exec runs the command inside it (a Docker task's container)", async () => {
    const seen: string[] = [];
    const running = {
      exited: new Promise(() => undefined),
      kill: async () => undefined,
      detach: () => undefined,
      exec: async (command: string, _opts: ExecOptions): Promise<ExecResult> => {
        seen.push(command);
        return { exitCode: 7, stdout: '', stderr: '', timedOut: false };
      },
    } as unknown as RunningTask;
    const answer = await prober.probe({ kind: 'command', command: 'check-me' }, ctx({ running }));
    assert.deepEqual(answer, { kind: 'command', exitCode: 7 });
    assert.deepEqual(seen, ['check-me']);
  });
});
