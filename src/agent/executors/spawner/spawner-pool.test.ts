import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpawnerPool } from './spawner-pool.js';
import type { SpawnedProcess, SpawnRequest, TaskSpawner } from './task-spawner.js';

function recording(name: string, log: string[]): TaskSpawner {
  return {
    placesInCgroup: false,
    spawn: async (req: SpawnRequest) => {
      log.push(`${name}:${req.file}`);
      return { pid: 1 } as SpawnedProcess;
    },
  };
}

const req = (file: string): SpawnRequest => ({
  file,
  args: [],
  cwd: '/',
  env: {},
  stdout: '/dev/null',
  stderr: '/dev/null',
  gated: false,
});

describe('spawner pool', () => {
  test('takes its spawners in turn', async () => {
    const log: string[] = [];
    const pool = new SpawnerPool([recording('a', log), recording('b', log), recording('c', log)]);
    for (const f of ['1', '2', '3', '4', '5']) await pool.spawn(req(f));
    assert.deepEqual(log, ['a:1', 'b:2', 'c:3', 'a:4', 'b:5']);
  });

  test('refuses to be empty', () => {
    assert.throws(() => new SpawnerPool([]), /at least one/);
  });

  test('a burst deeper than growAt per member adds members up to max; spawns then go to them too', async () => {
    const log: string[] = [];
    const pending: Array<() => void> = [];
    const held = (name: string): TaskSpawner => ({
      placesInCgroup: false,
      spawn: (r) =>
        new Promise<SpawnedProcess>((resolve) => {
          log.push(`${name}:${r.file}`);
          pending.push(() => resolve({ pid: 1 } as SpawnedProcess));
        }),
    });
    let made = 0;
    const pool = new SpawnerPool([held('a')], { grow: () => held(`g${++made}`), max: 3, growAt: 2 });
    const spawns = ['1', '2', '3', '4', '5', '6', '7'].map((f) => pool.spawn(req(f)));
    assert.equal(pool.size, 3, 'grown to max, not beyond');
    assert.deepEqual(log, ['a:1', 'a:2', 'g1:3', 'a:4', 'g2:5', 'g1:6', 'g2:7']);
    for (const p of pending) p();
    await Promise.all(spawns);
    // Settled: no longer deep, so no growth, and the pool keeps what it made.
    const last = pool.spawn(req('8'));
    pending.at(-1)?.();
    await last;
    assert.equal(pool.size, 3);
  });

  test('without growth it never grows', async () => {
    const log: string[] = [];
    const pool = new SpawnerPool([recording('a', log)]);
    await Promise.all(['1', '2', '3'].map((f) => pool.spawn(req(f))));
    assert.equal(pool.size, 1);
  });
});
