import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schedulePreview, scheduleWords } from './job-schedule.js';

test('an ISO 8601 schedule reads as words, with its start in the job zone', () => {
  assert.equal(
    scheduleWords('R/2014-09-25T17:22:00Z/PT2M', 'UTC'),
    'every 2 minutes from 25 Sep 2014 17:22 UTC',
  );
  assert.equal(scheduleWords('R5//P1D', 'UTC'), 'every day, 5 times');
  assert.equal(scheduleWords('*/5 * * * *', 'Europe/Berlin'), 'cron "*/5 * * * *" (Europe/Berlin)');
});

test('the next 3 runs come in the job time zone, one period apart', () => {
  const now = Date.parse('2026-01-10T10:00:30Z');
  const p = schedulePreview('R/2026-01-01T00:00:00Z/PT1H', 'America/New_York', now);
  assert.equal(p.zone, 'America/New_York');
  assert.equal(p.next.length, 3);
  // With a zone, the start's wall clock is read in that zone (00:00 New York = 05:00 UTC).
  assert.deepEqual(
    p.next.map((t) => new Date(t).toISOString()),
    ['2026-01-10T11:00:00.000Z', '2026-01-10T12:00:00.000Z', '2026-01-10T13:00:00.000Z'],
  );
  assert.ok(p.next[0]!.endsWith('-05:00'), p.next[0]);
});

test('a bad schedule gives its error and no runs', () => {
  const p = schedulePreview('R/nonsense', undefined, 0);
  assert.equal(p.next.length, 0);
  assert.match(p.error ?? '', /Cannot parse schedule/);
});

test('a cron schedule lists its next runs', () => {
  const now = Date.parse('2026-01-10T10:00:30Z');
  const p = schedulePreview('*/15 * * * *', 'UTC', now);
  assert.deepEqual(
    p.next.map((t) => new Date(t).toISOString()),
    ['2026-01-10T10:15:00.000Z', '2026-01-10T10:30:00.000Z', '2026-01-10T10:45:00.000Z'],
  );
});
