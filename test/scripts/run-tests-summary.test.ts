/**
 * scripts/run-tests.mjs: cancelled, skipped and todo tests are counted, printed on their own line
 * and fail the run, while the closing line stays "N passed, N failed" for CI log readers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const script = join(import.meta.dirname, '../../scripts/run-tests.mjs');

function runSummary(body: string): { status: number | null; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'drover-summary-'));
  try {
    const file = join(dir, 'fixture.test.mjs');
    writeFileSync(file, `import { test, describe, before } from 'node:test';\n${body}\n`);
    // NODE_TEST_CONTEXT would make the nested runner report to this one instead of printing.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8', env, timeout: 60_000 });
    return { status: r.status, lines: r.stdout.trim().split('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('all passing: exit 0, closing line "N passed, 0 failed", zero not-run counts', () => {
  const r = runSummary(`test('a', () => {}); test('b', () => {});`);
  assert.equal(r.status, 0);
  assert.equal(r.lines.at(-1), '2 passed, 0 failed');
  assert.equal(r.lines.at(-2), '0 cancelled, 0 skipped, 0 todo');
});

test('a skipped and a todo test fail the run and are named', () => {
  const r = runSummary(
    `test('a', () => {}); test('s', { skip: true }, () => {}); test('t', { todo: true }, () => {});`,
  );
  assert.notEqual(r.status, 0);
  assert.equal(r.lines.at(-1), '1 passed, 0 failed');
  assert.ok(r.lines.includes('0 cancelled, 1 skipped, 1 todo'), r.lines.slice(-4).join('\n'));
});

test('a failing before() cancels its tests, which are counted and fail the run', () => {
  const r = runSummary(
    `describe('d', () => { before(() => { throw new Error('no service'); }); test('x', () => {}); });`,
  );
  assert.notEqual(r.status, 0);
  const counts = r.lines.find((l) => /^\d+ cancelled, \d+ skipped, \d+ todo$/.test(l));
  assert.ok(counts, r.lines.slice(-4).join('\n'));
  assert.match(r.lines.at(-1) ?? '', /^\d+ passed, \d+ failed$/);
});
