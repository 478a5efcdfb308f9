/**
 * The `instances: 1e9` finding end to end: the API refuses it, and a data dir that already holds
 * such a definition (written before the limits, or by hand) no longer makes `drover up` run out of
 * heap at every start: it starts, logs the app as beyond the limits, leaves it suspended, and
 * keeps doing so across a real restart on the same data dir.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { storedApp } from '../../src/api/test-support/fixtures.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DroverProcess, waitFor } from './support/drover-process.js';

test('instances 1e9: refused by the API; a stored one is suspended and drover up survives restarts', {
  timeout: 180_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 1, logLevel: 'info' });
  const { api } = drover;
  await api.json('POST', '/v2/apps', { id: '/huge', cmd: 'sleep 100', instances: 1e9 }, [422]);
  await api.json('PUT', '/v2/groups/g', { scaleBy: 1e9 }, [422]);
  await api.json(
    'POST',
    '/v2/apps',
    { id: '/fine', cmd: 'sleep 1000', instances: 1, cpus: 0.1, mem: 16 },
    [201],
  );

  // What an installation from before the limits may hold: written straight into the store.
  await drover.stop('SIGTERM');
  const store = await createSqliteStore({ path: join(drover.dataDir, 'state.db') });
  await store.putApp(
    storedApp({ id: '/huge', instances: 1_000_000_000, cpus: 0.01, mem: 1, portDefinitions: [] }),
  );
  await store.close();

  for (const round of [1, 2]) {
    await drover.restart();
    await waitFor(() => (drover.output().match(/beyond the limits/g) ?? []).length >= round, {
      what: `round ${round}: the suspension logged`,
    });
    const { app } = (await api.json('GET', '/v2/apps/huge', undefined, [200])) as {
      app: { instances: number };
    };
    assert.equal(app.instances, 0, `round ${round}: /huge is suspended`);
    await waitFor(
      async () => {
        const r = (await api.json('GET', '/v2/apps/fine', undefined, [200])) as {
          app: { tasksRunning: number };
        };
        return r.app.tasksRunning === 1;
      },
      { what: `round ${round}: /fine runs`, timeoutMs: 60_000 },
    );
    const tasks = (await api.json('GET', '/v2/apps/huge/tasks', undefined, [200])) as { tasks: unknown[] };
    assert.equal(tasks.tasks.length, 0, 'nothing of /huge is launched');
    assert.ok(drover.running, `round ${round}: drover up is alive`);
  }

  // A valid definition brings the app back; nothing stored was lost meanwhile.
  await api.json(
    'PUT',
    '/v2/apps/huge?force=true',
    { cmd: 'sleep 1000', instances: 1, cpus: 0.1, mem: 16 },
    [200, 201],
  );
  const { app } = (await api.json('GET', '/v2/apps/huge', undefined, [200])) as {
    app: { instances: number };
  };
  assert.equal(app.instances, 1);
});
