import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appDnsBase, type DnsApp, type DnsTask, dnsLabel, dnsZone } from './dns-records.js';

const app = (id: string, protocols = ['tcp']): DnsApp => ({
  id,
  portDefinitions: protocols.map((protocol, i) => ({ port: 10000 + i, protocol })),
});
const task = (id: string, appId: string, over: Partial<DnsTask> = {}): DnsTask => ({
  id,
  appId,
  host: '127.0.0.1',
  ports: [25000],
  state: 'TASK_RUNNING',
  ...over,
});

test('names: app first, then its groups; labels are DNS-safe', () => {
  assert.equal(appDnsBase('/prod/eu/web'), 'web.eu.prod');
  assert.equal(dnsLabel('Nightly Report_2'), 'nightly-report-2');
  assert.equal(dnsLabel('---'), 'x');
  assert.equal(dnsLabel('a'.repeat(80)).length, 63);
});

test('A records for running tasks, SRV per task and tcp port, targets resolve', () => {
  const zone = dnsZone(
    [app('/web', ['tcp', 'udp', 'tcp']), app('/prod/api')],
    [
      task('web.1', '/web', { host: '127.0.0.1', ports: [25000, 25001, 25002] }),
      task('web.2', '/web', { host: '127.0.0.2', ports: [26000, 26001, 26002] }),
      task('web.3', '/web', { host: '127.0.0.2', ports: [26003, 26004, 26005], state: 'TASK_STAGING' }),
      task('web.4', '/web', { host: '127.0.0.2', ports: [26006, 26007, 26008], killRequestedAt: 1 }),
      task('api.1', '/prod/api', { host: 'agent-host.example', ports: [27000] }),
    ],
  );
  assert.deepEqual(zone.get('web.marathon.drover')?.a, ['127.0.0.1', '127.0.0.2']);
  assert.deepEqual(zone.get('_web._tcp.marathon.drover')?.srv, [
    { target: 'web-1.web.marathon.drover', port: 25000 },
    { target: 'web-1.web.marathon.drover', port: 25002 },
    { target: 'web-2.web.marathon.drover', port: 26000 },
    { target: 'web-2.web.marathon.drover', port: 26002 },
  ]);
  assert.deepEqual(zone.get('web-2.web.marathon.drover')?.a, ['127.0.0.2']);
  // A host name is no A record, but the SRV still names the port.
  assert.deepEqual(zone.get('api.prod.marathon.drover'), { a: [], srv: [] });
  assert.deepEqual(zone.get('_api._tcp.prod.marathon.drover')?.srv, [
    { target: 'api-1.api.prod.marathon.drover', port: 27000 },
  ]);
});

test('job runs under chronos.drover; tasks of unknown apps are not listed', () => {
  const zone = dnsZone(
    [],
    [
      task('ct:1', '/chronos/Nightly Report', { jobRun: { job: 'Nightly Report', dueAt: 0, attempt: 1 } }),
      task('orphan.1', '/gone'),
    ],
  );
  assert.deepEqual(zone.get('nightly-report.chronos.drover')?.a, ['127.0.0.1']);
  assert.equal(zone.get('_nightly-report._tcp.chronos.drover')?.srv.length, 1);
  assert.equal(zone.get('gone.marathon.drover'), undefined);
});
