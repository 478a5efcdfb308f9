/**
 * Marathon's `taskStats` embed: counts and life times for all tasks, for tasks on the latest
 * configuration, on an outdated one, and started since the last scaling. A group with no tasks
 * is left out, as Marathon does.
 */
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';
import { countTasks, type TaskCounts } from './task-counts.js';

interface StatsJson {
  stats: { counts: TaskCounts; lifeTime?: { averageSeconds: number; medianSeconds: number } };
}

export interface TaskStatsJson {
  startedAfterLastScaling?: StatsJson;
  withLatestConfig?: StatsJson;
  withOutdatedConfig?: StatsJson;
  totalSummary?: StatsJson;
}

export function taskStats(app: AppDefinition, tasks: TaskRecord[], now: number): TaskStatsJson {
  const lastConfig = Date.parse(app.versionInfo.lastConfigChangeAt);
  const lastScaling = Date.parse(app.versionInfo.lastScalingAt);
  const out: TaskStatsJson = {};
  const put = (key: keyof TaskStatsJson, group: TaskRecord[]) => {
    if (group.length > 0) out[key] = stats(group, now);
  };
  put(
    'startedAfterLastScaling',
    tasks.filter((t) => t.stagedAt >= lastScaling),
  );
  put(
    'withLatestConfig',
    tasks.filter((t) => Date.parse(t.version) >= lastConfig),
  );
  put(
    'withOutdatedConfig',
    tasks.filter((t) => Date.parse(t.version) < lastConfig),
  );
  put('totalSummary', tasks);
  return out;
}

function stats(tasks: TaskRecord[], now: number): StatsJson {
  const lives = tasks
    .filter((t) => t.state === 'TASK_RUNNING' && t.startedAt !== undefined)
    .map((t) => Math.max(0, now - (t.startedAt as number)) / 1000)
    .sort((a, b) => a - b);
  const json: StatsJson = { stats: { counts: countTasks(tasks) } };
  if (lives.length > 0) {
    const mid = Math.floor(lives.length / 2);
    const median =
      lives.length % 2 === 1
        ? (lives[mid] as number)
        : ((lives[mid - 1] as number) + (lives[mid] as number)) / 2;
    const average = lives.reduce((a, b) => a + b, 0) / lives.length;
    json.stats.lifeTime = { averageSeconds: average, medianSeconds: median };
  }
  return json;
}
