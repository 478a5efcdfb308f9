/**
 * Chronos's job API (`/v1/scheduler`) and Drover's run history on top of it. A job with `parents`
 * goes to `/dependency`, one with a schedule to `/iso8601`, as Chronos wants.
 */
import type { Transport } from './transport.js';
import type { Job, JobInput, JobRuns, JobRunView, JobStat, JobSummary, LogStream } from './types.js';

const P = '/v1/scheduler';
const job = (name: string) => encodeURIComponent(name);

/** A run's key in a path: its due time in epoch ms (an ISO time is accepted too). */
export type DueAt = number | string;

export class JobsClient {
  constructor(private readonly t: Transport) {}

  list(): Promise<Job[]> {
    return this.t.json<Job[]>('GET', `${P}/jobs`);
  }

  async summary(): Promise<JobSummary[]> {
    return (await this.t.json<{ jobs: JobSummary[] }>('GET', `${P}/jobs/summary`)).jobs;
  }

  search(q: {
    name?: string;
    command?: string;
    any?: string;
    limit?: number;
    offset?: number;
  }): Promise<Job[]> {
    return this.t.json<Job[]>('GET', `${P}/jobs/search`, { query: q });
  }

  show(name: string): Promise<Job> {
    return this.t.json<Job>('GET', `${P}/job/${job(name)}`);
  }

  /** Create or replace (Chronos has one call for both); a job as GET showed it is accepted too. */
  async put(def: JobInput | Job): Promise<void> {
    const kind = Array.isArray(def.parents) && def.parents.length > 0 ? 'dependency' : 'iso8601';
    await this.t.send('POST', `${P}/${kind}`, { body: def });
  }

  async remove(name: string): Promise<void> {
    await this.t.send('DELETE', `${P}/job/${job(name)}`);
  }

  /** Run now (a manual run), with extra arguments appended to the command. */
  async start(name: string, args?: string[]): Promise<void> {
    await this.t.send('PUT', `${P}/job/${job(name)}`, {
      query: { arguments: args && args.length > 0 ? args.join(' ') : undefined },
    });
  }

  /** Mark the last run successful (Chronos): dependents may run. */
  markSuccess(name: string): Promise<string> {
    return this.t.text('PUT', `${P}/job/success/${job(name)}`);
  }

  /** Kill the job's running tasks. */
  async kill(name: string): Promise<void> {
    await this.t.send('DELETE', `${P}/task/kill/${job(name)}`);
  }

  stat(name: string): Promise<JobStat> {
    return this.t.json<JobStat>('GET', `${P}/job/stat/${job(name)}`);
  }

  /** Every job's run time at one percentile, slowest first (seconds). */
  stats(percentile: string): Promise<Array<{ jobNameLabel: string; time: number }>> {
    return this.t.json('GET', `${P}/stats/${encodeURIComponent(percentile)}`);
  }

  graphDot(): Promise<string> {
    return this.t.text('GET', `${P}/graph/dot`);
  }

  graphCsv(): Promise<string> {
    return this.t.text('GET', `${P}/graph/csv`);
  }

  /** Drover: run history, newest first, and the next due time. */
  runs(name: string, opts: { limit?: number; before?: DueAt } = {}): Promise<JobRuns> {
    return this.t.json<JobRuns>('GET', `${P}/job/${job(name)}/runs`, {
      query: { limit: opts.limit, before: opts.before },
    });
  }

  run(name: string, dueAt: DueAt): Promise<JobRunView> {
    return this.t.json<JobRunView>('GET', `${P}/job/${job(name)}/runs/${encodeURIComponent(String(dueAt))}`);
  }

  runLogs(
    name: string,
    dueAt: DueAt,
    opts: { stream?: LogStream; tail?: number; attempt?: number } = {},
  ): Promise<string> {
    return this.t.text('GET', `${P}/job/${job(name)}/runs/${encodeURIComponent(String(dueAt))}/logs`, {
      query: { stream: opts.stream, tail: opts.tail, attempt: opts.attempt },
    });
  }
}
