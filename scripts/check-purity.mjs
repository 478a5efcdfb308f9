#!/usr/bin/env node
// Pure cores take time and randomness as inputs (DESIGN.md §5.2). This fails the build when code
// under a pure folder reads the wall clock, draws random numbers or sets timers itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PURE = ['src/domain', 'src/scheduler', 'src/deploy', 'src/schedules', 'src/routing'];
const BANNED = [
  /\bDate\.now\(/,
  /new Date\(\s*\)/,
  /\bMath\.random\(/,
  /\bsetTimeout\(/,
  /\bsetInterval\(/,
  /\bperformance\.now\(/,
];

const problems = [];
for (const dir of PURE) {
  let files = [];
  try {
    files = readdirSync(dir, { recursive: true }).map(String);
  } catch {
    continue;
  }
  for (const f of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const path = join(dir, f);
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        for (const re of BANNED) if (re.test(line)) problems.push(`${path}:${i + 1}: ${line.trim()}`);
      });
  }
}
if (problems.length > 0) {
  console.error('clock/randomness/timers inside a pure core (inject them instead):');
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`purity: ${PURE.join(', ')} clean`);

// Every timer is capped (src/platform/capped-timer.ts): a delay over 2^31-1 ms makes Node fire it
// after 1 ms. Test code and test support may use raw timers, and so may src/client/ (it runs in
// the CLI and the browser, never in a master or an agent, and cannot depend on platform/).
const TIMER_HOME = join('src', 'platform', 'capped-timer.ts');
const isTestCode = (f) => /\.test\.ts$|(^|\/)(testing|test-support)\/|temp-database\.ts$|^client\//.test(f);
const raw = [];
for (const f of readdirSync('src', { recursive: true }).map(String)) {
  const path = join('src', f);
  if (!f.endsWith('.ts') || isTestCode(f) || path === TIMER_HOME) continue;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      if (/(?<![\w.])(setTimeout|setInterval)\(/.test(line)) raw.push(`${path}:${i + 1}: ${line.trim()}`);
    });
}
if (raw.length > 0) {
  console.error(
    'raw setTimeout/setInterval (use setCappedTimeout/setCappedInterval from src/platform/capped-timer.ts):',
  );
  for (const p of raw) console.error(`  ${p}`);
  process.exit(1);
}
console.log('timers: every timer in src/ goes through platform/capped-timer.ts');
