/**
 * A `drover up` with secrets on, for the secret e2e tests (apps, files, jobs): a fresh
 * `--secret-key-file`, Docker when asked, the master at debug level (so its output is the most it would ever say),
 * `/v2/events` captured from the start, and a value no other test uses, to look for everywhere.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestImages, removeContainersUnder, requireDocker } from './docker-fixtures.js';
import { type AfterHook, DroverProcess } from './drover-process.js';
import { EventStream } from './event-stream.js';

export interface SecretDroverOptions {
  /** Where the key file goes. */
  dir: string;
  /** Names the key file and prefixes the value. */
  name: string;
  /** Needs the Docker engine and the test images (containers removed after the test). */
  docker?: boolean;
}

export async function startWithSecrets(
  t: AfterHook,
  o: SecretDroverOptions,
): Promise<{ d: DroverProcess; events: EventStream; value: string }> {
  const engine = o.docker ? await requireDocker() : undefined;
  if (engine) await buildTestImages();
  const keyFile = join(o.dir, `${o.name}.key`);
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const d = await DroverProcess.startFor(t, {
    agents: 1,
    logLevel: 'debug',
    args: ['--secret-key-file', keyFile],
  });
  // After drover's own cleanup (hooks run in the order they were added).
  if (engine)
    t.after(async () => {
      await removeContainersUnder(engine, d.dataDir);
      await engine.close();
    });
  const events = await EventStream.open(d.url);
  t.after(() => events.close());
  return { d, events, value: `${o.name}-s3cr3t-${randomBytes(8).toString('hex')}` };
}
