import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { attribute, masterUrls, resources } from './cluster-flags.js';

test('master addresses become agent endpoint URLs; the flag repeats and takes lists', () => {
  assert.deepEqual(masterUrls('10.0.0.1:8080,https://m2:8443'), [
    'ws://10.0.0.1:8080/agent/v1',
    'wss://m2:8443/agent/v1',
  ]);
  assert.deepEqual(masterUrls('wss://m3:1/custom', ['ws://a:1/agent/v1']), [
    'ws://a:1/agent/v1',
    'wss://m3:1/custom',
  ]);
  assert.throws(() => masterUrls('ftp://x:1'), InvalidArgumentError);
  assert.throws(() => masterUrls('a:1,,b:2'), InvalidArgumentError);
});

test('attributes accumulate; values may contain =', () => {
  assert.deepEqual(attribute('zone=a=b', attribute('rack=r1')), { rack: 'r1', zone: 'a=b' });
  assert.throws(() => attribute('rack'), InvalidArgumentError);
  assert.throws(() => attribute('=x'), InvalidArgumentError);
});

test('resources: any subset, several port ranges joined with +', () => {
  assert.deepEqual(resources('cpus=2.5,mem=4096,disk=100,ports=31000-32000+40000'), {
    cpus: 2.5,
    mem: 4096,
    disk: 100,
    ports: [
      [31000, 32000],
      [40000, 40000],
    ],
  });
  assert.deepEqual(resources('mem=512'), { mem: 512 });
  for (const bad of [
    'cpus=-1',
    'cpus=x',
    'ports=0-10',
    'ports=2-1',
    'ports=1-70000',
    'gpus=1',
    'cpus',
    'mem=',
  ]) {
    assert.throws(() => resources(bad), InvalidArgumentError, bad);
  }
});
