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
});
