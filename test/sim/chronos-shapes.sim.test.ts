/**
 * Chronos's exact shapes: the request bodies of Chronos's docs (docs/docs/api.md in
 * mesos/chronos) sent as they are, and whole responses compared with Chronos-shaped fixtures
 * (JobSerializer, JobStatWrapperSerializer, JobSummaryWrapperSerializer, StatsResource,
 * Exporter), under both prefixes. Fake clock and fake executors, so every time is known.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);

// Bodies exactly as Chronos's REST API docs show them.
const DOCS_SCHEDULED = {
  schedule: 'R10/2012-10-01T05:52:00Z/PT2S',
  name: 'SAMPLE_JOB1',
  epsilon: 'PT15M',
  command: "echo 'FOO' >> /tmp/JOB1_OUT",
  owner: 'bob@airbnb.com',
  async: false,
};
const DOCS_SAMPLE_JOB = {
  name: 'camus_kafka2hdfs',
  command: '/srv/data-infra/kafka/camus/kafka_hdfs_job.bash',
  arguments: ['-verbose', '-debug'],
  shell: false,
  epsilon: 'PT30M',
  executor: '',
  executorFlags: '',
  retries: 2,
  owner: 'bofh@your-company.com',
  async: false,
  successCount: 190,
  errorCount: 3,
  lastSuccess: '2014-03-08T16:57:17.507Z',
  lastError: '2014-03-01T00:10:15.957Z',
  cpus: 1.0,
  disk: 10240,
  mem: 1024,
  disabled: false,
  fetch: [{ uri: 'https://url-to-file', cache: false, extract: false, executable: false }],
  schedule: 'R/2014-03-08T20:00:00.000Z/PT2H',
  environmentVariables: [
    { name: 'JVMOPTS', value: '-Xmx1000m' },
    { name: 'JAVA_LIBRARY_PATH', value: '/usr/local/lib' },
  ],
};
const DOCS_DEPENDENT = {
  async: true,
  command: 'bash -x /srv/data-infra/jobs/hive_query.bash run_hive hostings-earnings-summary',
  epsilon: 'PT30M',
  errorCount: 0,
  lastError: '',
  lastSuccess: '2013-03-15T13:02:14.243Z',
  name: 'hostings_earnings_summary',
  owner: 'bob@airbnb.com',
  parents: ['db_export-airbed_hostings', 'db_export-airbed_reservation2s'],
  retries: 2,
  successCount: 100,
};

/** What Chronos's GET answers for DOCS_SAMPLE_JOB: counters are the scheduler's, not the client's. */
const SAMPLE_JOB_VIEW = {
  name: 'camus_kafka2hdfs',
  command: '/srv/data-infra/kafka/camus/kafka_hdfs_job.bash',
  shell: false,
  epsilon: 'PT30M',
  executor: '',
  executorFlags: '',
  taskInfoData: '',
  retries: 2,
  owner: 'bofh@your-company.com',
  ownerName: '',
  description: '',
  async: false,
  successCount: 0,
  errorCount: 0,
  lastSuccess: '',
  lastError: '',
  cpus: 1,
  disk: 10240,
  mem: 1024,
  disabled: false,
  softError: false,
  dataProcessingJobType: false,
  errorsSinceLastSuccess: 0,
  fetch: [{ uri: 'https://url-to-file', cache: false, extract: false, executable: false }],
  uris: ['https://url-to-file'],
  environmentVariables: [
    { name: 'JVMOPTS', value: '-Xmx1000m' },
    { name: 'JAVA_LIBRARY_PATH', value: '/usr/local/lib' },
  ],
  arguments: ['-verbose', '-debug'],
  highPriority: false,
  runAsUser: 'root',
  constraints: [],
  concurrent: false,
  maxCompletionTime: 0,
  schedule: 'R/2014-03-08T20:00:00.000Z/PT2H',
  scheduleTimeZone: '',
};

const ZERO_HISTOGRAM = {
  '75thPercentile': 0,
  '95thPercentile': 0,
  '98thPercentile': 0,
  '99thPercentile': 0,
  median: 0,
  mean: 0,
  count: 0,
};

describe('Chronos shapes (whole responses, docs bodies)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  for (const prefix of ['/v1/scheduler', '/scheduler']) {
    it(`answers Chronos's exact shapes under ${prefix}`, async () => {
      sim = await JobSim.create({ start: T0 });
      api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
      const send = async (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: object) => {
        const res = await api.inject({ method, url, ...(payload ? { payload } : {}) });
        return { status: res.statusCode, body: res.body, json: () => res.json() };
      };

      // Adding a scheduled job, a dependent job: 204 with an empty body.
      for (const [path, body] of [
        ['/iso8601', DOCS_SCHEDULED],
        ['/iso8601', DOCS_SAMPLE_JOB],
        ['/iso8601', { ...DOCS_SCHEDULED, name: 'db_export-airbed_hostings' }],
        ['/iso8601', { ...DOCS_SCHEDULED, name: 'db_export-airbed_reservation2s' }],
        ['/dependency', DOCS_DEPENDENT],
      ] as const) {
        const res = await send('POST', `${prefix}${path}`, body);
        assert.deepEqual([res.status, res.body], [204, ''], `${path} ${body.name}`);
      }

      assert.deepEqual((await send('GET', `${prefix}/job/camus_kafka2hdfs`)).json(), SAMPLE_JOB_VIEW);
      const dependent = (await send('GET', `${prefix}/job/hostings_earnings_summary`)).json();
      assert.deepEqual(dependent.parents, DOCS_DEPENDENT.parents);
      assert.equal('schedule' in dependent, false);
      assert.equal(dependent.async, true);
      assert.equal(dependent.successCount, 0);

      // Searching: GET /jobs/search?name=... answers a list of whole jobs.
      assert.deepEqual((await send('GET', `${prefix}/jobs/search?name=camus`)).json(), [SAMPLE_JOB_VIEW]);

      // A job with no runs: zeros and no history.
      assert.deepEqual((await send('GET', `${prefix}/job/stat/camus_kafka2hdfs`)).json(), {
        histogram: ZERO_HISTOGRAM,
        taskStatHistory: [],
      });

      // Manual start with arguments: appended to the job's own (shell: false).
      let res = await send('PUT', `${prefix}/job/camus_kafka2hdfs?arguments=-extra`);
      assert.deepEqual([res.status, res.body], [204, '']);
      await sim.until(() => sim.tasksOf('camus_kafka2hdfs').length === 1, { stepMs: 10 });
      const task = sim.tasksOf('camus_kafka2hdfs')[0]!;
      assert.deepEqual(task.spec.command, {
        shell: false,
        argv: ['/srv/data-infra/kafka/camus/kafka_hdfs_job.bash', '-verbose', '-debug', '-extra'],
      });
      const run = (await sim.runs('camus_kafka2hdfs'))[0]!;
      const started = run.attempts[0]!.startedAt!;
      // Run for an hour, two minutes and five and a half seconds of fake time.
      await sim.clock.advance(3_725_500 - (sim.clock.now() - started));
      sim.exit(task, 0);
      await sim.until(async () => (await sim.runs('camus_kafka2hdfs'))[0]!.status === 'succeeded', {
        stepMs: 1,
      });
      const ended = (await sim.runs('camus_kafka2hdfs'))[0]!.attempts[0]!;
      assert.equal(ended.endedAt! - ended.startedAt!, 3_725_500);

      // A job with runs: Chronos's histogram (ms) and one taskStatHistory row per task.
      const fmt = (ms: number) => {
        const d = new Date(ms);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
      };
      assert.equal(fmt(T0), '01/01/26 00:00:00');
      assert.deepEqual((await send('GET', `${prefix}/job/stat/camus_kafka2hdfs`)).json(), {
        histogram: {
          '75thPercentile': 3_725_500,
          '95thPercentile': 3_725_500,
          '98thPercentile': 3_725_500,
          '99thPercentile': 3_725_500,
          median: 3_725_500,
          mean: 3_725_500,
          count: 1,
        },
        taskStatHistory: [
          {
            taskId: ended.taskId,
            jobName: 'camus_kafka2hdfs',
            slaveId: 'agent-agent-a',
            startTime: fmt(ended.startedAt!),
            endTime: fmt(ended.endedAt!),
            duration: '1h2m5s',
            status: 'Success',
          },
        ],
      });
      // The start is T0 plus the ticks it took to place and launch, well under a second.
      assert.equal(fmt(ended.startedAt!), '01/01/26 00:00:00');
      assert.equal(fmt(ended.endedAt!), '01/01/26 01:02:05');

      // Stats: every job, slowest first, in seconds.
      assert.deepEqual((await send('GET', `${prefix}/stats/median`)).json(), [
        { jobNameLabel: 'camus_kafka2hdfs', time: 3725.5 },
        { jobNameLabel: 'SAMPLE_JOB1', time: 0 },
        { jobNameLabel: 'db_export-airbed_hostings', time: 0 },
        { jobNameLabel: 'db_export-airbed_reservation2s', time: 0 },
        { jobNameLabel: 'hostings_earnings_summary', time: 0 },
      ]);

      // Summary: `status` is the last outcome, `state` what runs now.
      assert.deepEqual((await send('GET', `${prefix}/jobs/summary`)).json(), {
        jobs: [
          {
            name: 'SAMPLE_JOB1',
            status: 'fresh',
            state: 'idle',
            schedule: 'R10/2012-10-01T05:52:00Z/PT2S',
            parents: [],
            disabled: false,
          },
          {
            name: 'camus_kafka2hdfs',
            status: 'success',
            state: 'idle',
            schedule: 'R/2014-03-08T20:00:00.000Z/PT2H',
            parents: [],
            disabled: false,
          },
          {
            name: 'db_export-airbed_hostings',
            status: 'fresh',
            state: 'idle',
            schedule: 'R10/2012-10-01T05:52:00Z/PT2S',
            parents: [],
            disabled: false,
          },
          {
            name: 'db_export-airbed_reservation2s',
            status: 'fresh',
            state: 'idle',
            schedule: 'R10/2012-10-01T05:52:00Z/PT2S',
            parents: [],
            disabled: false,
          },
          {
            name: 'hostings_earnings_summary',
            status: 'fresh',
            state: 'idle',
            schedule: '',
            parents: ['db_export-airbed_hostings', 'db_export-airbed_reservation2s'],
            disabled: false,
          },
        ],
      });

      // The dependency graph, as Chronos's Exporter writes it.
      res = await send('GET', `${prefix}/graph/dot`);
      assert.equal(
        res.body,
        'digraph G {\n  1 [ label="SAMPLE_JOB1" ];\n  2 [ label="camus_kafka2hdfs" ];\n' +
          '  3 [ label="db_export-airbed_hostings" ];\n  4 [ label="db_export-airbed_reservation2s" ];\n' +
          '  5 [ label="hostings_earnings_summary" ];\n  3 -> 5;\n  4 -> 5;\n}\n',
      );
      res = await send('GET', `${prefix}/graph/csv`);
      assert.equal(
        res.body,
        'node,SAMPLE_JOB1,fresh,idle\nnode,camus_kafka2hdfs,success,idle\n' +
          'node,db_export-airbed_hostings,fresh,idle\nnode,db_export-airbed_reservation2s,fresh,idle\n' +
          'node,hostings_earnings_summary,fresh,idle\n' +
          'link,db_export-airbed_hostings,hostings_earnings_summary\n' +
          'link,db_export-airbed_reservation2s,hostings_earnings_summary\n',
      );

      // Kill every task of a job: 204, empty.
      res = await send('DELETE', `${prefix}/task/kill/camus_kafka2hdfs`);
      assert.deepEqual([res.status, res.body], [204, '']);
      // Mark success: Chronos's text, 200.
      res = await send('PUT', `${prefix}/job/success/db_export-airbed_hostings`);
      assert.deepEqual(
        [res.status, res.body],
        [200, 'marked job db_export-airbed_hostings as successful: true'],
      );
      // Deleting: 204, empty.
      res = await send('DELETE', `${prefix}/job/SAMPLE_JOB1`);
      assert.deepEqual([res.status, res.body], [204, '']);
      assert.deepEqual((await send('GET', `${prefix}/leader`)).json(), { leader: '127.0.0.1:8080' });
    });
  }

  it("keeps Drover's figures out of Chronos's stat route, at GET /job/{name}/stats", async () => {
    sim = await JobSim.create({ start: T0 });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
    await sim.put('iso8601', { name: 'j', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H' });
    await api.inject({ method: 'PUT', url: '/v1/scheduler/job/j' });
    await sim.until(() => sim.tasksOf('j').length === 1, { stepMs: 10 });
    await sim.clock.advance(2000);
    sim.exit(sim.tasksOf('j')[0]!, 0);
    await sim.until(async () => (await sim.runs('j'))[0]!.status === 'succeeded', { stepMs: 10 });
    const stat = (await api.inject('/v1/scheduler/job/stat/j')).json();
    assert.deepEqual(Object.keys(stat), ['histogram', 'taskStatHistory']);
    const drover = (await api.inject('/v1/scheduler/job/j/stats')).json();
    assert.equal(drover.job, 'j');
    assert.equal(drover.runs, 1);
    assert.equal(drover.runTimeMs.count, 1);
    assert.equal(drover.queueDelayMs.count, 1);
    assert.ok(drover.runTimeMs.median >= 2000, JSON.stringify(drover));
  });
});
