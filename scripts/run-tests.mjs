#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ in one node:test run, so CI reads one summary
// ("# pass N" / "# fail N"). Cancelled (a failing before()), skipped and todo tests are counted
// too and fail the run: a summary that reads clean when tests did not run hides why. `unit` limits to src/ and test/sim; `e2e` to test/e2e. bench/ is not
// run here: `npm run bench` runs it.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const which = process.argv[2] ?? 'all';
// Test files named on the command line run as given (the summary's own test uses this).
const named = process.argv.slice(2).filter((a) => /\.test\.[cm]?[jt]s$/.test(a));
const roots = { all: ['src', 'test'], unit: ['src', 'test/sim'], e2e: ['test/e2e'] }[which];
if (!roots && named.length === 0) {
  console.error(`unknown test selection '${which}' (all|unit|e2e|<files>.test.ts)`);
  process.exit(2);
}
const files =
  named.length > 0
    ? named
    : roots
        .flatMap((root) => readdirSync(root, { recursive: true }).map((f) => join(root, String(f))))
        .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
        .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  ...files,
];
// Output is passed through as it comes; the totals are repeated at the end as one plain line
// ("N passed, N failed") that any CI log reader understands.
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
// The totals come before the list of failures, which can be long: remember them as they pass.
const totals = {};
let partial = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^\S*\s*(pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (m) totals[m[1]] = Number(m[2]);
  }
});
child.on('close', (code) => {
  if (totals.pass === undefined || totals.fail === undefined) {
    console.log('test summary not found');
    process.exit(code || 1);
  }
  const notRun = ['cancelled', 'skipped', 'todo'].map((k) => [k, totals[k] ?? 0]);
  // The extra counts go on their own line: CI log readers want "N passed, N failed" alone.
  const unran = notRun.filter(([, n]) => n > 0);
  console.log(`\n${notRun.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (unran.length > 0) console.log('every test must run: cancelled, skipped or todo fail the run');
  console.log(`${totals.pass} passed, ${totals.fail} failed`);
  process.exit(unran.length > 0 ? code || 1 : (code ?? 1));
});
