// UiApi over src/client/ (the one typed client the CLI uses too): every request the pages make
// goes through here, and nothing here speaks HTTP itself.
import { type Credentials, DroverClient, type StreamState } from '../../../src/client/index.js';
import type { LiveEvent } from './types.js';
import type { ConnectionState, UiApi } from './ui-api.js';

const STATE: Record<StreamState, ConnectionState> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'closed',
};

export function clientApi(url: string, credentials: Credentials | undefined): UiApi {
  // X-Requested-With: a 401 then comes without the Basic challenge, so the browser shows the UI's
  // own sign-in form instead of its password dialog (api/auth.ts).
  const c = new DroverClient({
    url,
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
    ...(credentials ? { credentials } : {}),
  });
  return {
    apps: () => c.apps.list(),
    app: (id) => c.apps.show(id, { embed: ['tasks', 'counts', 'deployments', 'lastTaskFailure'] }),
    createApp: (d) => c.apps.create(d as { id: string }),
    updateApp: (id, d) => c.apps.update({ ...(d as Record<string, unknown>), id }, { partial: true }),
    scaleApp: (id, n) => c.apps.scale(id, n),
    restartApp: (id) => c.apps.restart(id),
    destroyApp: (id) => c.apps.remove(id),
    appVersions: (id) => c.apps.versions(id),
    appVersion: (id, v) => c.apps.version(id, v),
    rollbackApp: (id, v) => c.apps.rollback(id, v),
    taskLog: (taskId, stream, tail) => c.tasks.logs(taskId, { stream, tail }),
    killTask: (appId, taskId) => c.apps.killTask(appId, taskId),
    queue: () => c.queue.list(),
    resetDelay: (id) => c.queue.resetDelay(id),
    deployments: () => c.deployments.list(),
    cancelDeployment: async (id, force) => {
      if (force) await c.deployments.stop(id);
      else await c.deployments.rollback(id);
    },
    agents: () => c.agents.list(),
    drainAgent: async (id) => {
      await c.agents.drain(id);
    },
    undrainAgent: async (id) => {
      await c.agents.undrain(id);
    },
    jobs: () => c.jobs.list(),
    saveJob: (job) => c.jobs.put(job),
    runJob: (name) => c.jobs.start(name),
    deleteJob: (name) => c.jobs.remove(name),
    jobRuns: (name, limit) => c.jobs.runs(name, { limit }),
    runLog: (name, dueAt, attempt, stream) => c.jobs.runLogs(name, dueAt, { attempt, stream }),
    whoami: () => c.cluster.whoami(),
    audit: (limit) => c.cluster.audit({ limit }),
    events(onEvent, onState) {
      const stream = c.events({
        onEvent: (e) => onEvent({ ...e.data, id: e.id ?? '' } as LiveEvent),
        onState: (s, err) => {
          const status = (err as { status?: number } | undefined)?.status;
          onState(s === 'closed' && status === 401 ? 'unauthorized' : STATE[s]);
        },
      });
      return { close: () => stream.close() };
    },
  };
}
