import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { droverVersion } from './version.js';

it("droverVersion is package.json's version", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.match(droverVersion(), /^\d+\.\d+\.\d+/);
  assert.equal(droverVersion(), pkg.version);
});
