import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { main } from './main.js';
import { httpUrlFlag } from './parse-flags.js';

test('httpUrlFlag takes absolute http(s) URLs and refuses the rest', () => {
  assert.equal(httpUrlFlag('http://127.0.0.1:9000/hook'), 'http://127.0.0.1:9000/hook');
  assert.equal(httpUrlFlag('https://hooks.example.com/drover?x=1'), 'https://hooks.example.com/drover?x=1');
  for (const bad of ['', 'hooks.example.com/x', '/hook', 'ftp://example.com/x', 'file:///tmp/x', 'http//x']) {
    assert.throws(() => httpUrlFlag(bad), InvalidArgumentError, bad);
  }
});

test('drover up and drover master refuse a --job-webhook that is not an http(s) URL, before starting', async () => {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    for (const command of ['up', 'master']) {
      written.length = 0;
      const code = await main(['node', 'drover', command, '--job-webhook', 'ftp://example.com/hook']);
      assert.notEqual(code, 0, command);
      assert.match(
        written.join(''),
        /--job-webhook.*expected an http\(s\) URL, got 'ftp:\/\/example.com\/hook'/s,
      );
    }
  } finally {
    process.stderr.write = write;
  }
});
