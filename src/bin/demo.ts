/** `--demo`: deploys examples/apps/*.json once (an app already present is left as it is). */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobsApi } from '../control-plane/jobs/jobs-api.js';
import type { MasterApi } from '../control-plane/master-api.js';
import { parseAppDefinition } from '../domain/app-validate.js';
import type { Logger } from '../platform/logger.js';
import { deployDemoJobs } from './demo-jobs.js';

/** examples/ ships beside dist/ in the package. */
export function examplesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
}

/** Apps from examples/apps, and with `jobs` the scheduled jobs from examples/jobs. */
export async function deployDemo(master: MasterApi, logger: Logger, jobs?: JobsApi): Promise<void> {
  const dir = examplesDir();
  const files = (await readdir(join(dir, 'apps'))).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const text = (await readFile(join(dir, 'apps', f), 'utf8')).replaceAll('{{examples}}', dir);
    const app = parseAppDefinition(JSON.parse(text));
    if (master.getApp(app.id)) continue;
    await master.createApp(app);
    logger.info({ app: app.id }, 'demo app deployed');
  }
  if (jobs) await deployDemoJobs(jobs, dir, logger);
}
