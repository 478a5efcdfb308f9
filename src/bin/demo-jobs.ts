/**
 * `--demo` jobs: examples/jobs/*.json in file order (parents before children), each created once
 * (a job already present is left as it is). A file with `parents` is a dependent job.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobsApi } from '../control-plane/jobs/jobs-api.js';
import { parseJob } from '../domain/job-validate.js';
import type { Logger } from '../platform/logger.js';

export async function deployDemoJobs(jobs: JobsApi, examples: string, logger: Logger): Promise<void> {
  const dir = join(examples, 'jobs');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const json = JSON.parse(await readFile(join(dir, f), 'utf8')) as Record<string, unknown>;
    const job = parseJob(json, Array.isArray(json.parents) ? 'dependency' : 'iso8601');
    if (jobs.getJob(job.name)) continue;
    await jobs.putJob(job);
    logger.info({ job: job.name }, 'demo job deployed');
  }
}
