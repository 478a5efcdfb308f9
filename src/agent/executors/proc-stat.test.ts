import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startOrphan } from '../testing/orphan.js';
import { isLive } from '../testing/proc.js';
import { waitFor } from '../testing/wait-for.js';
import {
  isSameLiveProcess,
  liveGroupMembers,
  liveProcessesWithEnv,
  parseProcStat,
  readBootId,
  readProcStat,
} from './proc-stat.js';

describe('proc stat', () => {
  test('parses fields after the last parenthesis, whatever the command name holds', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    fields[19] = '987654';
    const stat = parseProcStat(`4242 (evil) (name) 1 2) ${fields.join(' ')}\n`);
    assert.deepEqual(stat, { pid: 4242, state: 'S', ppid: 4, pgrp: 5, startTime: 987654 });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  test('reads this process; a pid with another start time is not the same process', () => {
    const self = readProcStat(process.pid);
    assert.ok(self);
    assert.equal(self.pid, process.pid);
    assert.ok(isSameLiveProcess(process.pid, self.startTime));
    assert.ok(!isSameLiveProcess(process.pid, self.startTime + 1));
    assert.equal(readProcStat(2 ** 30), undefined);
    assert.match(readBootId() ?? '', /^[0-9a-f-]{36}$/);
  });

  test('finds a group by its live members and processes by an environment entry', async () => {
    const marker = `DROVER_TEST_MARK=${process.pid}-${Date.now()}`;
    const [name, value] = marker.split('=') as [string, string];
    const pid = startOrphan('exec sleep 1000', { env: { [name]: value } });
    try {
      await waitFor(async () => (await liveGroupMembers(pid))?.includes(pid), 'orphan to lead its group');
      assert.deepEqual(await liveProcessesWithEnv(marker), [pid]);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    await waitFor(() => !isLive(pid), 'orphan to die');
    assert.deepEqual(await liveGroupMembers(pid), [], 'a zombie is no live member');
    assert.deepEqual(await liveProcessesWithEnv(marker), []);
  });
});
