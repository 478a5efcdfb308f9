/**
 * A `drover up` with secrets on, for the secret e2e tests (apps, files, jobs): a fresh
 * `--secret-key-file`, the master at debug level (so its output is the most it would ever say),
 * `/v2/events` captured from the start, and a value no other test uses, to look for everywhere.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AfterHook, DroverProcess } from './drover-process.js';
import { EventStream } from './event-stream.js';

export async function startWithSecrets(
  t: AfterHook,
  o: { dir: string; name: string },
): Promise<{ d: DroverProcess; events: EventStream; value: string }> {
  const keyFile = join(o.dir, `${o.name}.key`);
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const d = await DroverProcess.startFor(t, {
    agents: 1,
    logLevel: 'debug',
    args: ['--secret-key-file', keyFile],
  });
  const events = await EventStream.open(d.url);
  t.after(() => events.close());
  return { d, events, value: `${o.name}-s3cr3t-${randomBytes(8).toString('hex')}` };
}
