import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { DEFAULT_SANDBOX_TTL_MS, sandboxesToRemove } from './sandbox-gc.js';
import { SandboxJanitor } from './sandbox-janitor.js';
import { rotateLog } from './task-log-rotation.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const entry = (taskId: string, ageMs: number, bytes = 10) => ({ taskId, lastChangeMs: NOW - ageMs, bytes });

test('ended sandboxes older than the TTL go; live and unacknowledged ones never do', () => {
  const entries = [entry('old', 8 * DAY), entry('young', DAY), entry('live-old', 30 * DAY)];
  const remove = sandboxesToRemove(entries, new Set(['live-old']), NOW, {
    ttlMs: DEFAULT_SANDBOX_TTL_MS,
    maxTotalBytes: 0,
  });
  assert.deepEqual(remove, ['old']);
});

test('past the disk threshold, ended sandboxes go oldest first until under it', () => {
  const entries = [
    entry('a', 3 * DAY, 40),
    entry('b', 2 * DAY, 40),
    entry('c', DAY, 40),
    entry('live', 9 * DAY, 40),
  ];
  const remove = sandboxesToRemove(entries, new Set(['live']), NOW, {
    ttlMs: DEFAULT_SANDBOX_TTL_MS,
    maxTotalBytes: 90,
  });
  assert.deepEqual(remove, ['a', 'b']);
  // Live ones count towards the total but are never chosen, even when nothing else is left.
  assert.deepEqual(
    sandboxesToRemove([entry('live', DAY, 500)], new Set(['live']), NOW, {
      ttlMs: DAY * 7,
      maxTotalBytes: 1,
    }),
    [],
  );
});

const root = mkdtempSync(join(tmpdir(), 'drover-gc-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a janitor pass on a (fake) clock removes real sandboxes past the TTL, keeps the rest', async () => {
  const sandboxes = join(root, 'sandboxes');
  const make = (taskId: string, ageMs: number) => {
    const dir = join(sandboxes, taskId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stdout'), 'out\n');
    const t = new Date(NOW - ageMs);
    utimesSync(join(dir, 'stdout'), t, t);
    utimesSync(dir, t, t);
  };
  make('ended-old', 8 * DAY);
  make('ended-young', DAY);
  make('live-old', 9 * DAY);
  const clock = new FakeClock(NOW);
  const janitor = new SandboxJanitor({
    root: sandboxes,
    ttlMs: 7 * DAY,
    maxTotalBytes: 0,
    taskLogMaxBytes: 0,
    clock,
    logger: silentLogger(),
    keep: () => new Set(['live-old']),
  });
  await janitor.pass();
  assert.equal(existsSync(join(sandboxes, 'ended-old')), false);
  assert.equal(existsSync(join(sandboxes, 'ended-young')), true);
  assert.equal(existsSync(join(sandboxes, 'live-old')), true);
});

test('a log over the cap keeps its tail from a line start, with a marker', async () => {
  const path = join(root, 'stdout');
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
  writeFileSync(path, `${lines}\n`);
  const dropped = await rotateLog(path, 4096);
  assert.ok(dropped > 0);
  const text = readFileSync(path, 'utf8');
  assert.ok(statSync(path).size <= 4096, `size ${statSync(path).size}`);
  assert.match(text, /^\[drover: \d+ earlier bytes rotated away\]\nline \d+\n/);
  assert.ok(text.endsWith('line 1999\n'));
  assert.equal(await rotateLog(path, 4096), 0, 'within the cap: untouched');
});
